"""One look for every figure: sizes, fonts and line styles as rcParams dicts composed with `|`.

Nothing here touches global state; each plotting function applies the result itself:

>>> import matplotlib
>>> from rnngrad.figures import style
>>> with matplotlib.rc_context(style.figure(venue="slide")):
...     pass
"""

import textwrap

import matplotlib
from matplotlib import rcParamsDefault

from rnngrad.files import io

# Okabe & Ito (2008): eight colours that colour-blind readers tell apart; black last, for theory.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
# Yellow is too faint on white for a thin line, black is the theory's; vermillion comes last, as
# orange and vermillion side by side are hard to tell apart.
SERIES_COLOURS = (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[4], PALETTE[5], PALETTE[3])
LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P")
THEORY_COLOUR = "black"
NOTE_COLOUR = "#444444"  # dark grey: readable on a projector, yet set apart from data
DPI = 200
FONT_SIZE = 10  # points at the final size: >= 9 pt on a page and on a slide
SMALL_FONT_SIZE = 9
WIDTHS = {"slide": 10.0, "page": 6.5}  # inches: a 16:9 slide at full width, a page's text width
# The user's session, not a figure's look: left alone, as matplotlib's own styles do.
SESSION_SETTINGS = {
    "backend", "backend_fallback", "date.epoch", "docstring.hardcopy", "figure.max_open_warning",
    "figure.raise_window", "interactive", "savefig.directory", "timezone", "toolbar",
}  # fmt: skip
DEFAULT_SIZE = 7.0  # the notebook's rcParams['figure.figsize'] = [7, 5]


def fonts(*, base_size: float = FONT_SIZE) -> dict:
    """Font sizes: every text at least 9 pt at the figure's final size."""
    if base_size < SMALL_FONT_SIZE:
        msg = f"base_size is {base_size} pt; allowed: at least {SMALL_FONT_SIZE} pt"
        raise ValueError(msg)
    return {
        "font.size": base_size,
        "axes.titlesize": base_size + 1,
        "axes.labelsize": base_size,
        "xtick.labelsize": SMALL_FONT_SIZE,
        "ytick.labelsize": SMALL_FONT_SIZE,
        "legend.fontsize": SMALL_FONT_SIZE,
        "legend.title_fontsize": SMALL_FONT_SIZE,
        "figure.titlesize": base_size + 2,
    }


def size(*, venue: str = "slide", aspect: float = 0.6) -> dict:
    """Figure size for a venue ('slide', 'page' or 'notebook'), height = aspect × width."""
    widths = WIDTHS | {"notebook": DEFAULT_SIZE}
    if venue not in widths:
        msg = f"venue is {venue!r}; allowed: {', '.join(widths)}"
        raise ValueError(msg)
    if not 0.1 <= aspect <= 3:
        msg = f"aspect is {aspect}; allowed: between 0.1 and 3"
        raise ValueError(msg)
    width = widths[venue]
    return {"figure.figsize": (width, round(width * aspect, 2))}


def output(*, dpi: int = DPI) -> dict:
    """Resolution of saved figures, at least 150 dpi."""
    if dpi < 150:
        msg = f"dpi is {dpi}; allowed: at least 150"
        raise ValueError(msg)
    return {"figure.dpi": dpi, "savefig.dpi": dpi}


def base() -> dict:
    """The defaults matplotlib ships (never a user's rc file or style), then fonts and dpi."""
    defaults = {
        key: value
        for key, value in rcParamsDefault.items()
        if key not in SESSION_SETTINGS and not key.startswith(("webagg.", "tk."))
    }
    return defaults | fonts() | output()


def figure(*, venue: str = "slide", aspect: float = 0.6) -> dict:
    """Everything a figure needs: matplotlib's defaults, then fonts, size and resolution."""
    return base() | size(venue=venue, aspect=aspect)


def series_styles(count: int) -> list[dict]:
    """`count` styles, no two alike: colour changes fastest, then line style, then marker."""
    colours, line_styles = len(SERIES_COLOURS), len(LINE_STYLES)
    limit = colours * line_styles * len(MARKERS)
    if not 0 <= count <= limit:
        msg = f"count is {count}; allowed: 0 to {limit} distinct styles"
        raise ValueError(msg)
    return [
        {
            "color": SERIES_COLOURS[index % colours],
            "linestyle": LINE_STYLES[index // colours % line_styles],
            "marker": MARKERS[index // (colours * line_styles)],
        }
        for index in range(count)
    ]


def wrap(text: str, *, width_inches: float, font_size: float = SMALL_FONT_SIZE) -> str:
    """Wrap each paragraph of text to fit width_inches at font_size (about 0.55 em a character)."""
    characters = max(int(width_inches * 72 / (0.55 * font_size)), 20)
    return "\n".join(
        line
        for paragraph in text.split("\n")
        for line in textwrap.wrap(paragraph, characters, break_on_hyphens=False)
    )


def save_figure(figure, path, *, dpi: int = 200) -> None:
    """Save a matplotlib figure as PNG without the version-dependent Software tag."""
    # Ticks and their labels are made while saving: under the project's style, not the user's rc.
    with io.atomic_path(path) as partial, matplotlib.rc_context(base()):
        figure.savefig(partial, format="png", dpi=dpi, metadata={"Software": None})
