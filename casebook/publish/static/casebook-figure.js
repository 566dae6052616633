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
        await Plotly.newPlot(live, spec.data, spec.layout, spec.config);
      }
    });
  }
})();
