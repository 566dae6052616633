"""How the book draws the types of institutional work, wherever it shows them: Figure 1's
arrows and the colours of the code book a QDA project imports. A leaf: it imports nothing
from casebook, so the code book does not load the figure's drawing (plotly) to colour its codes."""

WORK_COLOURS = {"political": "#0072B2", "technical": "#D55E00", "cultural": "#009E73"}
"""One colour per type of work: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies."""
LABEL_COLOURS = {"political": "#0068A3", "technical": "#A84A00", "cultural": "#00704F"}
"""Figure 1's arrow labels: a darker shade of each hue, so that 12 px text reads at 4.5:1 on white (WCAG 1.4.3)."""
