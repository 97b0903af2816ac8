import io

from cooplab.runtime.progress import ProgressBar, null_progress, scaled


def test_scaled_maps_sub_progress_onto_the_whole():
    calls = []
    inner = scaled(lambda d, t: calls.append((d, t)), start=1, span=1, total=4)
    inner(0, 10)
    inner(5, 10)
    inner(10, 10)
    inner(3, 0)  # an empty sub-task counts as not started
    assert calls == [(1.0, 4), (1.5, 4), (2.0, 4), (1.0, 4)]
    null_progress(1, 2)


def test_bar_without_terminal_prints_stage_lines():
    stream = io.StringIO()
    with ProgressBar("demo", stream=stream) as bar:
        bar.label("stage one")
        bar(0.5, 1)
        bar.label("stage one")  # repeated labels are not reprinted
        bar.label("stage two")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("stage one") and lines[1].endswith("stage two")


def test_disabled_bar_prints_nothing():
    stream = io.StringIO()
    with ProgressBar("demo", enabled=False, stream=stream) as bar:
        bar.label("x")
        bar(1, 1)
    assert stream.getvalue() == ""


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_bar_on_a_terminal_draws_eta():
    stream = _Tty()
    with ProgressBar("demo", stream=stream) as bar:
        bar(0.5, 1)
        bar.label("half")
    text = stream.getvalue()
    assert "half" in text or "demo" in text
    assert "eta" in text
