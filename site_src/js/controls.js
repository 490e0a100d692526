/* Builds the native input for one schema parameter: a slider for numbers (its range up to the
 * browser budget, `live_max`), segmented radio buttons for a few choices, a select for more. The
 * controls only offer and report values; the Python package validates whatever they send.
 */

function describe(p) {
  // The tooltip: what the parameter does and, in the package's words, what it accepts.
  return [p.help, p.allowed && `allowed: ${p.allowed}`].filter(Boolean).join("; ");
}

function choiceLabel(p, i) {
  return (p.choice_labels && p.choice_labels[i]) || p.choices[i];
}

function segmented(p, id, onInput) {
  const fs = document.createElement("fieldset");
  fs.className = "sc-control sc-control--choice";
  fs.title = describe(p);
  const legend = document.createElement("legend");
  legend.textContent = p.label || p.name;
  const seg = document.createElement("div");
  seg.className = "sc-segmented";
  const radios = p.choices.map((c, i) => {
    const lab = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = p.name;
    input.value = c;
    input.id = `${id}-${i}`;
    input.addEventListener("change", () => input.checked && onInput(c));
    const span = document.createElement("span");
    span.textContent = choiceLabel(p, i);
    lab.append(input, span);
    seg.appendChild(lab);
    return input;
  });
  fs.append(legend, seg);
  return { element: fs, show: (v) => radios.forEach((r) => { r.checked = r.value === v; }) };
}

function labelled(p, id, input, extra = []) {
  const div = document.createElement("div");
  div.className = "sc-control";
  const lab = document.createElement("label");
  lab.htmlFor = id;
  lab.textContent = p.label || p.name;
  lab.title = describe(p);
  div.append(lab, input, ...extra);
  return div;
}

function select(p, id, onInput) {
  const sel = document.createElement("select");
  sel.id = id;
  sel.name = p.name;
  p.choices.forEach((c, i) => {
    const o = document.createElement("option");
    o.value = c;
    o.textContent = choiceLabel(p, i);
    sel.appendChild(o);
  });
  sel.addEventListener("change", () => onInput(sel.value));
  return { element: labelled(p, id, sel), show: (v) => { sel.value = v; } };
}

function slider(p, id, onInput) {
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
  return { element: labelled(p, id, input, [out]), show };
}

// The control for parameter `p` showing `initial`; `onInput(value)` on every change the reader
// makes. Returns {element, show(value)}: show sets the control without calling onInput.
export function buildControl(p, initial, id, onInput) {
  let control;
  if (p.kind === "choice") control = p.choices.length <= 5 ? segmented(p, id, onInput) : select(p, id, onInput);
  else control = slider(p, id, onInput);
  control.show(initial);
  return control;
}
