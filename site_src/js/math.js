/* Math the build left untypeset. The build renders every page's math with KaTeX (the math_html job
 * of site_src/hooks/sitebuild), so pages arrive typeset and this finds nothing and loads nothing. An
 * .arithmatex element still holding TeX (a page built without that job) gets the site's KaTeX,
 * loaded on demand, once per element, so it can run again after every instant-navigation swap.
 */

// assets/spectral/math.js -> the site root, wherever the site is mounted (sub-paths too).
const SITE_ROOT = new URL("../../", import.meta.url);

const DELIMITERS = [
  { left: "\\(", right: "\\)", display: false },
  { left: "\\[", right: "\\]", display: true },
];

let katex = null;

function script(path) {
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = new URL(path, SITE_ROOT).href;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`${path} did not load`));
    document.head.appendChild(el);
  });
}

export function renderMath(root) {
  const raw = Array.from(root.querySelectorAll(".arithmatex"))
    .filter((el) => !el.dataset.katex && !el.querySelector(".katex"));
  if (!raw.length) return;
  for (const el of raw) el.dataset.katex = "1";
  katex = katex || script("assets/vendor/katex/katex.min.js")
    .then(() => script("assets/vendor/katex/contrib/auto-render.min.js"));
  katex.then(
    () => raw.forEach((el) => window.renderMathInElement(el, { delimiters: DELIMITERS, throwOnError: false })),
    (e) => console.warn(`math left as TeX: ${e.message}`),
  );
}
