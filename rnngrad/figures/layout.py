"""Fitting a figure's axes between its heading, key and caption by measuring the drawn text.

Tick labels, titles and keys change size with the data, so fixed margins either waste space or
cut text. `arrange` draws, measures and sets the margins until they settle; long labels push the
axes aside instead of overlapping them.

>>> from rnngrad.figures.axes import new_figure
>>> figure = new_figure()
>>> axes = figure.add_subplot()
>>> arrange(figure, [[axes]], heading=heading(figure, "A title"))
>>> bool(0 < figure.subplotpars.left < 0.2)
True
"""

from rnngrad.figures import style

PAD = 0.12  # inches between the axes, the key, the caption and the figure's edge
KEY_WIDTH = 2.6  # inches a key label may take before it wraps
LAYOUT_ROUNDS = 5  # measure-and-fit rounds; the margins settle in two or three
SETTLED = 1e-3  # of the figure's size (2 pixels of 2000): margins this close need no more rounds
MIN_AXES_HEIGHT = 2.5  # inches the axes keep, however long the key and caption
MIN_ROW_HEIGHT = 1.6  # inches each row of a grid of axes keeps
KEY_SHARE = 0.45  # of the figure's width at most for a key beside the axes; else it goes below


def literal_legend(figure, handles, labels, **placement):
    """A frameless figure legend whose labels (names from configs) are never parsed as maths."""
    legend = figure.legend(handles, labels, frameon=False, borderaxespad=0, **placement)
    for text in legend.texts:
        text.set_parse_math(False)
    return legend


def key(figure, handles, *, height_inches, side=None):
    """The key and its side: at the right edge if it fits there in a few columns, else below.

    `side` "top" puts it under the heading in as many columns as fit. Labels are wrapped for
    the key only; the lines keep their own labels.
    """
    labels = [style.wrap(handle.get_label(), width_inches=KEY_WIDTH) for handle in handles]
    renderer = figure.canvas.get_renderer()
    width = figure.get_figwidth() * figure.dpi
    if side is None:
        for columns in range(1, 4):
            legend = literal_legend(figure, handles, labels, loc="upper right", ncols=columns)
            extent = legend.get_window_extent(renderer)
            if extent.width > KEY_SHARE * width:
                legend.remove()
                break
            if extent.height <= height_inches * figure.dpi:
                return legend, "right"
            legend.remove()
    # A wide key above or under the axes, in as many columns as fit.
    location = "upper center" if side == "top" else "lower center"
    for columns in range(min(len(handles), 6), 0, -1):
        legend = literal_legend(figure, handles, labels, loc=location, ncols=columns)
        if columns == 1 or legend.get_window_extent(renderer).width <= width - 2 * PAD * figure.dpi:
            break
        legend.remove()
    return legend, side or "below"


def caption(figure, text):
    """Grey text under everything, wrapped to the figure's width, drawn literally."""
    wrapped = style.wrap(text, width_inches=figure.get_figwidth() - 2 * PAD - 0.2)
    return figure.text(
        PAD / figure.get_figwidth(), PAD / figure.get_figheight(), wrapped,
        fontsize=style.SMALL_FONT_SIZE, color=style.NOTE_COLOUR, va="bottom", ha="left",
        parse_math=False, linespacing=1.3,
    )  # fmt: skip


def heading(figure, text):
    """The figure's title at its top edge, wrapped to its width, drawn literally."""
    size = style.FONT_SIZE + 2  # the style's figure.titlesize
    wrapped = style.wrap(text, width_inches=figure.get_figwidth() - 2 * PAD, font_size=size)
    return figure.suptitle(wrapped, y=1 - PAD / figure.get_figheight(), va="top",
                           parse_math=False)  # fmt: skip


def _gaps(frames, outers, pad) -> tuple[float, float]:
    """The space the labels between neighbouring panels need, across and down, plus padding."""
    rows, columns = len(frames), len(frames[0])
    across = max(
        (outers[r][c].x1 - frames[r][c].x1 + frames[r][c + 1].x0 - outers[r][c + 1].x0
         for r in range(rows) for c in range(columns - 1)),
        default=-2 * pad,
    )  # fmt: skip
    down = max(
        (frames[r][c].y0 - outers[r][c].y0 + outers[r + 1][c].y1 - frames[r + 1][c].y1
         for r in range(rows - 1) for c in range(columns)),
        default=-2 * pad,
    )  # fmt: skip
    return across + 2 * pad, down + 2 * pad


def arrange(figure, grid, *, key=None, caption=None, heading=None) -> None:
    """Fit a grid of axes (a list of rows), with their labels, between heading, key and caption.

    `key` is a (legend, side) pair from `key`. Tick labels change with the axes' size, so the
    measurement is repeated until the margins move by less than SETTLED.
    """
    legend, side = key if key is not None else (None, None)
    width, height = figure.get_size_inches() * figure.dpi
    pad = PAD * figure.dpi
    rows, columns = len(grid), len(grid[0])
    applied = None
    for _ in range(LAYOUT_ROUNDS):
        # Extents are measured without drawing the figure: drawing costs more than measuring.
        renderer = figure.canvas.get_renderer()
        frames = [[axes.get_window_extent(renderer) for axes in row] for row in grid]
        # An empty cell of the grid (hidden axes) needs no room beyond its frame.
        outers = [
            [axes.get_tightbbox(renderer) if axes.get_visible() else frame
             for axes, frame in zip(row, frames_row, strict=True)]
            for row, frames_row in zip(grid, frames, strict=True)
        ]  # fmt: skip
        extent = {
            name: text.get_window_extent(renderer)
            for name, text in (("key", legend), ("caption", caption), ("heading", heading))
            if text is not None
        }
        caption_height = extent["caption"].height + pad if "caption" in extent else 0.0
        below = max(frames[-1][c].y0 - outers[-1][c].y0 for c in range(columns))
        above = max(outers[0][c].y1 - frames[0][c].y1 for c in range(columns))
        left = (max(frames[r][0].x0 - outers[r][0].x0 for r in range(rows)) + pad) / width
        right = 1 - (max(outers[r][-1].x1 - frames[r][-1].x1 for r in range(rows)) + pad) / width
        bottom = below + pad + caption_height
        top = above + pad + (extent["heading"].height + pad if "heading" in extent else 0)
        if side == "right":
            right -= (extent["key"].width + pad) / width
        elif side == "below":
            bottom += extent["key"].height + pad
        elif side == "top":
            top += extent["key"].height + pad
        wgap, hgap = _gaps(frames, outers, pad)
        right = max(right, left + 0.1)  # an impossible fit still draws, and the tests see it
        least = max(MIN_AXES_HEIGHT / rows, MIN_ROW_HEIGHT) * figure.dpi
        needed = bottom + top + rows * least + (rows - 1) * hgap
        if needed > height:
            # A key too long for the page's height: the figure grows rather than overlap.
            height = needed
            figure.set_figheight(height / figure.dpi)
        if caption is not None:
            caption.set_y(pad / height)
        if heading is not None:
            heading.set_y(1 - pad / height)
        panel_width = ((right - left) * width - (columns - 1) * wgap) / columns
        panel_height = (height - bottom - top - (rows - 1) * hgap) / rows
        margins = {"left": left, "right": right, "bottom": bottom / height,
                   "top": 1 - top / height, "wspace": wgap / max(panel_width, 1.0),
                   "hspace": hgap / max(panel_height, 1.0)}  # fmt: skip
        if applied is not None and all(
            abs(margins[name] - applied[name]) < SETTLED for name in margins
        ):
            return  # settled: the last drawing already used these margins
        applied = margins
        figure.subplots_adjust(**margins)
        if side == "right":
            legend.set_bbox_to_anchor((1 - pad / width, 1 - top / height),
                                      transform=figure.transFigure)  # fmt: skip
        elif side == "below":
            legend.set_bbox_to_anchor((0.5, (pad + caption_height) / height),
                                      transform=figure.transFigure)  # fmt: skip
        elif side == "top":
            heading_height = extent["heading"].height + pad if "heading" in extent else 0.0
            legend.set_bbox_to_anchor((0.5, 1 - (pad + heading_height) / height),
                                      transform=figure.transFigure)  # fmt: skip
