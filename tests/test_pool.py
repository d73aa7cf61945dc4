"""sjtx_xl.pool: results in order from the workers, and the collector frozen only while they fork."""
import gc

from sjtx_xl import pool


def _square_and_frozen(x):
    return x * x, gc.get_freeze_count() > 0       # in a forked worker: the parent's objects, still frozen


def test_results_come_in_order_and_the_parents_collector_is_thawed_after_the_fork():
    gc.collect()
    out = pool.run(_square_and_frozen, range(12), workers=2)
    assert [r for r, _ in out] == [x * x for x in range(12)]
    assert gc.get_freeze_count() == 0                       # this process collects as before
    assert all(frozen for _, frozen in out[1:]) or pool.default_workers() < 2 or \
        __import__("multiprocessing").get_start_method() != "fork"
