import gc

import pytest

from jieyou.core.gcpause import paused_gc


def test_the_collector_is_paused_inside_and_resumes_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_collector_paused_outside_stays_paused():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
