"""One process pool for work on many files: merge reads them on it, check checks them on it.

    run(fn, items, workers, init, initargs, each) -> [each(i, fn(item))], in order

Not multiprocessing.Pool: its worker-handler thread also waits on the result pipe and spins while a
large result is still being read, taking a tenth of a core from the workers.
"""
import gc
import os

MIN_POOLED = 4                 # fewer items are done in this process: a pool costs more to start


def default_workers():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                                    # Windows, macOS
        return max(1, os.cpu_count() or 1)


def run(fn, items, workers=None, init=None, initargs=(), each=None):
    """fn(item) for every item, in order, on a pool of `workers` processes (default: every CPU).

    `init(*initargs)` prepares each worker, and this process, which does the first item itself: that
    warms the per-process caches (spec, rules, styles) the workers inherit at fork. `each(i, result)`
    runs here as results arrive (progress, sharing equal strings) and gives what is kept. Fewer than
    MIN_POOLED items, or one worker, and everything is done here. `fn` must be a module-level function."""
    items = list(items)
    n = len(items)
    workers = min(workers or default_workers(), n) if n else 0
    each = each or (lambda i, result: result)
    if init is not None:
        init(*initargs)
    out = [None] * n
    if workers <= 1 or n < MIN_POOLED:
        for i, item in enumerate(items):
            out[i] = each(i, fn(item))
        return out
    import multiprocessing                                # late: only many files start a pool
    from concurrent.futures import ProcessPoolExecutor
    out[0] = each(0, fn(items[0]))
    chunk = max(1, min(16, n // (workers * 8)))
    pool = ProcessPoolExecutor(workers, multiprocessing.get_context(), init, initargs)
    done = False
    try:
        gc.freeze()      # the workers fork as map() submits: their collector then leaves this process's pages shared
        try:
            results = pool.map(fn, items[1:], chunksize=chunk)
        finally:
            gc.unfreeze()
        for i, result in enumerate(results, 1):
            out[i] = each(i, result)
        done = True
    finally:
        pool.shutdown(wait=done, cancel_futures=not done)
    return out
