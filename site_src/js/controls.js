/* Builds the native input for one schema parameter: a slider for numbers (its range up to the
 * browser budget, `live_max`), segmented radio buttons for a few choices, a select for more. The
 * controls only offer and report values; the Python package validates whatever they send.
 *
 * Labels, choice labels and help come from the page's build already typeset (label_html, …: KaTeX
 * output of the package's own strings), so they are inserted as markup. A parameter with help gets an
 * info button beside its label that shows the help as a line of text under the controls: a tap, a
 * click, Enter or Space toggles it, and the input names it as its description for screen readers.
 */

let helpSeq = 0;

function html(el, markup, fallback) {
  // The schema embedded by the site's build: trusted markup. Without it, the plain string as text.
  if (markup) el.innerHTML = markup;
  else el.textContent = fallback;
}

function labelText(p) {
  return p.label_text || p.label || p.name;
}

function choiceHtml(el, p, i) {
  html(el, p.choice_labels_html && p.choice_labels_html[i], (p.choice_labels && p.choice_labels[i]) || p.choices[i]);
}

// The help line of `p` and the button that shows it; null without help.
function helpFor(p, id) {
  if (!p.help_html && !p.help) return null;
  const text = document.createElement("p");
  text.className = "sc-control__help";
  text.id = `${id}-help-${++helpSeq}`;
  text.hidden = true;
  const name = document.createElement("strong");
  html(name, p.label_html, labelText(p));
  const body = document.createElement("span");
  html(body, p.help_html, p.help);
  text.append(name, ": ", body, p.allowed ? ` (allowed: ${p.allowed})` : "");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sc-control__info";
  button.textContent = "?";
  button.setAttribute("aria-label", `About ${labelText(p)}`);
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", text.id);
  button.addEventListener("click", () => {
    text.hidden = !text.hidden;
    button.setAttribute("aria-expanded", String(!text.hidden));
  });
  return { button, text };
}

function segmented(p, id, onInput, help) {
  const fs = document.createElement("fieldset");
  fs.className = "sc-control sc-control--choice";
  const legend = document.createElement("legend");
  html(legend, p.label_html, labelText(p));
  const seg = document.createElement("div");
  seg.className = "sc-segmented";
  const radios = p.choices.map((c, i) => {
    const lab = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = p.name;
    input.value = c;
    input.id = `${id}-${i}`;
    // The name a screen reader speaks: the build's text form, since a label of typeset math alone
    // leaves the input without one.
    input.setAttribute("aria-label", (p.choice_labels_text && p.choice_labels_text[i]) || (p.choice_labels && p.choice_labels[i]) || c);
    input.addEventListener("change", () => input.checked && onInput(c));
    const span = document.createElement("span");
    choiceHtml(span, p, i);
    lab.append(input, span);
    seg.appendChild(lab);
    return input;
  });
  if (help) fs.setAttribute("aria-describedby", help.text.id);
  fs.append(legend, ...(help ? [help.button] : []), seg);
  return {
    element: fs,
    inputs: radios,
    describes: [fs], // a radio group is described as a whole
    show: (v) => radios.forEach((r) => { r.checked = r.value === v; }),
  };
}

function labelled(p, id, input, help, extra = []) {
  const div = document.createElement("div");
  div.className = "sc-control";
  const lab = document.createElement("label");
  lab.htmlFor = id;
  html(lab, p.label_html, labelText(p));
  input.setAttribute("aria-label", labelText(p)); // the text form: typeset math alone names nothing
  if (help) input.setAttribute("aria-describedby", help.text.id);
  div.append(lab, ...(help ? [help.button] : []), input, ...extra);
  return div;
}

function select(p, id, onInput, help) {
  const sel = document.createElement("select");
  sel.id = id;
  sel.name = p.name;
  p.choices.forEach((c, i) => {
    const o = document.createElement("option");
    o.value = c;
    // An option holds text only: the build's text form of the label.
    o.textContent = (p.choice_labels_text && p.choice_labels_text[i]) || (p.choice_labels && p.choice_labels[i]) || c;
    sel.appendChild(o);
  });
  sel.addEventListener("change", () => onInput(sel.value));
  return { element: labelled(p, id, sel, help), inputs: [sel], show: (v) => { sel.value = v; } };
}

function slider(p, id, onInput, help) {
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.name = p.name;
  const out = document.createElement("output");
  out.htmlFor = id;
  // A power-of-two parameter slides over exponents, so one step doubles it.
  const position = p.log2 ? (v) => Math.log2(v) : (v) => v;
  const value = p.log2 ? (pos) => 2 ** pos : (pos) => pos;
  if (p.log2) {
    input.min = String(Math.log2(p.min));
    input.max = String(Math.log2(p.live_max));
    input.step = "1";
  } else {
    input.min = String(p.min);
    input.max = String(p.live_max);
    input.step = p.step ? String(p.step) : "any";
  }
  const label = (v) => {
    out.textContent = String(v);
    input.setAttribute("aria-valuetext", String(v));
    input.dataset.value = String(v);
  };
  input.addEventListener("input", () => {
    const v = value(Number(input.value));
    label(v);
    onInput(v);
  });
  const show = (v) => {
    input.value = String(position(v));
    label(v);
  };
  return { element: labelled(p, id, input, help, [out]), inputs: [input], show };
}

// The control for parameter `p` showing `initial`; `onInput(value)` on every change the reader
// makes. Returns {element, help (the help line to place in the form, or null), show(value): sets the
// control without calling onInput, setDisabled(on, describedBy): on, the inputs are off and name the
// element `describedBy` (the reason) as their description}.
export function buildControl(p, initial, id, onInput) {
  const help = helpFor(p, id);
  let control;
  if (p.kind !== "choice") control = slider(p, id, onInput, help);
  else if (p.choices.length <= 5) control = segmented(p, id, onInput, help);
  else control = select(p, id, onInput, help);
  control.show(initial);
  const described = help ? help.text.id : "";
  control.setDisabled = (on, reasonId) => {
    for (const input of control.inputs) input.disabled = on;
    const ids = [on ? reasonId : "", described].filter(Boolean).join(" ");
    for (const el of control.describes || control.inputs) {
      if (ids) el.setAttribute("aria-describedby", ids);
      else el.removeAttribute("aria-describedby");
    }
  };
  control.help = help ? help.text : null;
  return control;
}
