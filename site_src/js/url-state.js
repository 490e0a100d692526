/* The address bar as shared state: each demo owns the query keys "<key>.<param>", so several figures
 * share one link. Values are read as the raw text of the link (the Python package decides what they
 * mean) and written back as the figures change.
 */

// The raw text a link gives for a demo's parameters, restricted to `names`.
export function linkValues(key, names) {
  const out = {};
  for (const [k, v] of new URLSearchParams(location.search)) {
    const name = k.startsWith(key + ".") ? k.slice(key.length + 1) : null;
    if (name !== null && names.includes(name)) out[name] = v;
  }
  return out;
}

let timer = null;
let collect = null;

// Write the link at most every 100 ms (browsers throttle faster replaceState calls, as a drag makes).
// `entries()` is asked at write time for [query key, text or null to drop it] pairs; keys it does
// not mention stay as they are.
export function scheduleWrite(entries) {
  collect = entries;
  if (timer) return;
  const path = location.pathname;
  timer = setTimeout(() => {
    timer = null;
    if (location.pathname !== path) return; // the reader has moved on to another page
    const q = new URLSearchParams(location.search);
    for (const [name, text] of collect()) {
      if (text === null) q.delete(name);
      else q.set(name, text);
    }
    const search = q.toString();
    const url = location.pathname + (search ? "?" + search : "") + location.hash;
    // Keep Material's own history state (it stores the scroll position there).
    history.replaceState(history.state, "", url);
  }, 100);
}
