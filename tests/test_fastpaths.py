"""Worker-side fast paths against the plain definitions they replace: same output, always."""
import random
import re

from sjtx_xl import ooxml

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def _escape_reference(s):
    if not _NEEDS_ESCAPE.search(s):
        return s
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = re.sub("(_x[0-9a-fA-F]{4}_)", r"_x005F\1", s)
    return re.sub("([\x00-\x08\x0b-\x1f\ufffe\uffff])", lambda m: "_x%04X_" % ord(m.group(1)), s)


def test_escape_text_as_the_regex_defines_it():
    rng = random.Random(3)
    bits = ["a", "中", " ", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", "\u3000", "\ufffe", "\uffff", "&", "<", ">",
            "_x", "_x0041_", "_x00", "_X0041_", "0041_", "_", "x", "😀", "\u2028", "\xa0"]
    for _ in range(20000):
        s = "".join(rng.choice(bits) for _ in range(rng.randrange(0, 9)))
        assert ooxml.escape_text(s) == _escape_reference(s), repr(s)
