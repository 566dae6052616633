"""Figure 1 – The institutional work of key actors in the collaborative governance model.

The article keeps only the caption of Figure 1; this package redraws it from the data.
The elements of the collaborative governance framework are nested boxes (the system
context holds the drivers, the collaboration dynamics and the actions; the dynamics
hold shared motivation and capacity for joint action). Actor groups sit in the box
that ``actors.placement`` names. Each arrow is a row of ``relations.csv``, coloured by
type of institutional work and drawn solid (performed), dashed (attempted) or dotted
and faded (needed but missing). Where everything goes is computed (:mod:`.layout`):
the same data give the same figure.

``figure(case)`` returns the plotly figure (:mod:`.draw`); ``in_words`` and ``alt_text`` say it
in words (:mod:`.words`); ``bundle`` is what a chapter glues, ``web_html`` the figure the web book
shows (the SVG, with the interactive view on request) and ``write_static`` the SVG, PNG, PDF and
JSON twins (:mod:`.export`).
"""

from .draw import CAPTION, LABEL, MAX_ACTORS, STATUS_TEXT, drawing, figure, height
from .export import FigureBundle, bundle, json_text, spec, static_key, web_html, write_static
from .words import WORDS_LABEL, alt_text, description, in_words

__all__ = [
    "CAPTION",
    "LABEL",
    "MAX_ACTORS",
    "STATUS_TEXT",
    "WORDS_LABEL",
    "FigureBundle",
    "alt_text",
    "bundle",
    "description",
    "drawing",
    "figure",
    "height",
    "in_words",
    "json_text",
    "spec",
    "static_key",
    "web_html",
    "write_static",
]
