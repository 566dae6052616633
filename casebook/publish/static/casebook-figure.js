// Figure 1's interactive view, drawn only when the reader asks for it. The static drawing
// is the figure (it needs no script); plotly.js, over a megabyte, is fetched from the
// book's own _static folder on the first click, never before and never from elsewhere.
(() => {
  const bundle = new URL("plotly-basic.min.js", document.currentScript.src).href;
  let loading = null;
  const plotly = () =>
    (loading ??= new Promise((resolve, reject) => {
      if (window.Plotly) return resolve(window.Plotly);
      const script = document.createElement("script");
      script.src = bundle;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error(`could not load ${bundle}`));
      document.head.append(script);
    }));
  // The drawing's text is sized for the drawing's own width (layout.meta.width): drawn narrower,
  // as the static figure does, the text shrinks with it instead of spilling out of its boxes.
  const fit = (layout, width) => {
    const k = Math.min(1, width / ((layout.meta && layout.meta.width) || width));
    if (k === 1) return layout;
    const scaled = structuredClone(layout);
    const shrink = (font) => font && font.size && (font.size *= k);
    shrink(scaled.font);
    if (scaled.legend) {
      shrink(scaled.legend.font);
      if (scaled.legend.entrywidth) scaled.legend.entrywidth *= k;
    }
    for (const note of scaled.annotations || []) shrink(note.font);
    return scaled;
  };
  for (const figure of document.querySelectorAll(".casebook-figure1")) {
    const still = figure.querySelector(".casebook-figure-static");
    const live = figure.querySelector(".casebook-figure-interactive");
    const button = figure.querySelector(".casebook-figure-explore");
    const spec = JSON.parse(figure.querySelector(".casebook-figure-spec").textContent);
    button.hidden = false;
    button.addEventListener("click", async () => {
      const toLive = live.hidden;
      still.hidden = toLive;
      live.hidden = !toLive;
      button.textContent = toLive ? "Back to the static figure" : "Explore the interactive figure";
      if (toLive && !live.dataset.drawn) {
        live.dataset.drawn = "yes";
        const Plotly = await plotly();
        await Plotly.newPlot(live, spec.data, fit(spec.layout, live.clientWidth), spec.config);
      }
    });
  }
})();
