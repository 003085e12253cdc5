"""The SVG charts of the live views (throughput lines, lag bars), read back from the markup they produce."""

import re

from course_lib.views.charts import Series, _nice_top, bar_chart, line_chart


def _attr(svg: str, element: str, name: str) -> list[str]:
    """``name`` of each ``element`` that belongs to a series (legend swatches and grid lines do not)."""
    tags = re.findall(rf"<{element} data-series=[^>]*>", svg)
    return [re.search(rf'{name}="([^"]*)"', tag).group(1) for tag in tags]


def test_the_y_axis_reaches_the_highest_value_in_whole_grid_steps():
    for highest, top in [(0, 4), (3, 4), (5, 8), (17, 20), (99, 100), (101, 200), (38_000, 40_000)]:
        assert _nice_top(highest) == top, highest
        assert _nice_top(highest) / 4 == int(_nice_top(highest) / 4)


def test_a_line_breaks_where_a_rate_is_unknown_and_remembers_its_latest_and_highest_rate():
    svg = line_chart("throughput", "t", "records / s", [
        Series("produced", "#0072B2", ((0, 10.0), (1, 30.0), (2, None), (3, 20.0), (4, 25.0))),
        Series("consumed by g", "#E69F00", ((0, None), (1, None))),
    ])
    paths = dict(zip(_attr(svg, "path", "data-series"), _attr(svg, "path", " d")))
    assert paths["produced"].count("M") == 2, "the unknown rate at t=2 splits the line in two"
    assert paths["consumed by g"] == "", "a group that never committed draws nothing"
    assert _attr(svg, "path", "data-latest") == ["25.0", ""]
    assert _attr(svg, "path", "data-highest") == ["30.0", "0.0"]
    assert re.findall(r'<g data-legend="([^"]*)"', svg) == ["produced", "consumed by g"]
    assert ">40<" in svg, "the y axis tops out at 40 for a highest rate of 30"


def test_time_runs_left_to_right_and_the_highest_rate_touches_the_top_grid_line():
    svg = line_chart("throughput", "t", "records / s", [Series("produced", "#0072B2", ((0, 0.0), (10, 40.0)))])
    (path,) = _attr(svg, "path", " d")
    first, last = [tuple(map(float, point.split(","))) for point in re.findall(r"[\d.]+,[\d.]+", path)]
    grid = [float(y) for y in re.findall(r'<line x1="\d+" x2="\d+" y1="([\d.]+)"', svg)]
    assert first[0] < last[0]
    assert (first[1], last[1]) == (max(grid), min(grid)), "0 on the bottom grid line, 40 (the top) on the top one"


def test_stacked_bars_show_each_members_lag_in_its_colour_and_skip_zeros():
    svg = bar_chart("lag", "Lag", "lag (records)", ["p0", "p1", "p2"], [
        Series("consumer-1", "#0072B2", (30, 0, 0)),
        Series("consumer-2", "#E69F00", (0, 10, 5)),
    ])
    blocks = list(zip(_attr(svg, "rect", "data-series"), _attr(svg, "rect", "data-category"),
                      map(float, _attr(svg, "rect", "height"))))
    assert [(s, c) for s, c, _ in blocks] == [("consumer-1", "p0"), ("consumer-2", "p1"), ("consumer-2", "p2")]
    heights = {c: h for _, c, h in blocks}
    assert heights["p0"] == 3 * heights["p1"] == 6 * heights["p2"]


def test_a_legend_too_wide_for_one_row_wraps_and_the_chart_grows_to_fit():
    short = bar_chart("lag", "Lag", "lag", ["p0"], [Series("a", "#000", (1,))])
    names = [f"browser-group-b37bb797-consumer-{i}" for i in range(1, 4)]
    long = bar_chart("lag", "Lag", "lag", ["p0"], [Series(n, "#000", (1,)) for n in names])
    height = lambda svg: int(re.search(r'<svg [^>]*height="(\d+)"', svg).group(1))  # noqa: E731
    assert height(long) > height(short)
    xs = [int(x) for x in re.findall(r'<g data-legend="[^"]*"><rect x="(\d+)"', long)]
    assert all(x < 900 - 30 for x in xs) and xs.count(100) >= 2, xs
