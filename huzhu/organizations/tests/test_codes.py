"""Public codes: random, from the alphabet without look-alikes, every character equally likely."""

from collections import Counter

from huzhu.organizations.models import CODE_ALPHABET, opaque_code


def test_codes_have_the_prefix_the_length_and_only_the_alphabet():
    for prefix, length in (("M", 9), ("U", 7), ("PAY", 8)):
        code = opaque_code(prefix, length)
        assert code.startswith(prefix) and len(code) == len(prefix) + length
        assert set(code[len(prefix) :]) <= set(CODE_ALPHABET)
    assert not set("01IO") & set(CODE_ALPHABET)


def test_every_character_is_about_equally_likely():
    counts = Counter("".join(opaque_code("", 10) for _ in range(6400)))  # 2,000 expected each
    assert set(counts) == set(CODE_ALPHABET)
    # chi-square with 31 degrees of freedom: above 70 happens about once in ten thousand runs
    chi2 = sum((n - 2000) ** 2 / 2000 for n in counts.values())
    assert chi2 < 70, counts
