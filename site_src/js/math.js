/* Typesets a page's math with the site's own KaTeX (auto-render), once per element, so it can run
 * again after every instant-navigation swap.
 */

const INLINE = [
  { left: "\\(", right: "\\)", display: false },
  { left: "\\[", right: "\\]", display: true },
];

// nbconvert leaves a notebook's Markdown math as $…$ text, which the article's delimiters miss.
const NOTEBOOK = [{ left: "$$", right: "$$", display: true }, { left: "$", right: "$", display: false }, ...INLINE];

function typeset(elements, delimiters) {
  for (const el of elements) {
    if (el.dataset.katex) continue;
    el.dataset.katex = "1";
    window.renderMathInElement(el, { delimiters, throwOnError: false });
  }
}

export function renderMath(root) {
  if (typeof window.renderMathInElement !== "function") return;
  typeset(root.querySelectorAll(".arithmatex"), INLINE);
  typeset(root.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown, .jupyter-wrapper .jp-MarkdownOutput"),
          NOTEBOOK);
}
