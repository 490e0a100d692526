/* The code editor of a figure's Python panel: CodeMirror 6 with Python highlighting, line numbers,
 * search and the usual keys, coloured by the site's own code colours (so it follows light and dark).
 * The build bundles this file with esbuild into the site's assets (site_src/hooks/sitebuild/
 * code_panel.py); the panel imports the bundle only when a reader opens the editor.
 *
 * Tab is left to move the focus (the page stays usable from the keyboard); Ctrl/Cmd-Enter runs.
 */
import { basicSetup, EditorView } from "codemirror";
import { python } from "@codemirror/lang-python";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { setDiagnostics } from "@codemirror/lint";
import { keymap } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

// Material's code colours: the same as the highlighted view and the page's code blocks.
const colours = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword],
    color: "var(--md-code-hl-keyword-color)" },
  { tag: [t.string, t.docString], color: "var(--md-code-hl-string-color)" },
  { tag: [t.number, t.bool, t.null], color: "var(--md-code-hl-number-color)" },
  { tag: t.comment, color: "var(--md-code-hl-comment-color)" },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName))],
    color: "var(--md-code-hl-function-color)" },
  { tag: [t.definition(t.variableName), t.className], color: "var(--md-code-hl-name-color)" },
  { tag: [t.operator, t.punctuation], color: "var(--md-code-hl-punctuation-color)" },
  { tag: t.meta, color: "var(--md-code-hl-special-color)" },
]);

const look = EditorView.theme({
  "&": { color: "var(--md-code-fg-color)", backgroundColor: "var(--md-code-bg-color)", fontSize: "0.8em" },
  ".cm-content": { fontFamily: "var(--md-code-font-family, monospace)", caretColor: "var(--md-code-fg-color)" },
  ".cm-gutters": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-default-fg-color--light)",
                   border: "none" },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--md-default-fg-color--lightest)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "var(--md-accent-fg-color--transparent)" },
  ".cm-scroller": { overflow: "auto" },
});

// An editor in `parent` holding `doc`; onRun() is called on Ctrl/Cmd-Enter.
export function createEditor(parent, doc, { onRun, label }) {
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      basicSetup,
      python(),
      syntaxHighlighting(colours),
      look,
      keymap.of([{ key: "Mod-Enter", run: () => { onRun(); return true; } }]),
      EditorView.contentAttributes.of({ "aria-label": label }),
    ],
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    // Marks line `line` (from 1) with `message`, or clears the marks when line is null.
    showError(line, message) {
      if (line === null || line === undefined || line < 1 || line > view.state.doc.lines) {
        view.dispatch(setDiagnostics(view.state, []));
        return;
      }
      const at = view.state.doc.line(line);
      view.dispatch(setDiagnostics(view.state, [{ from: at.from, to: at.to, severity: "error", message }]));
      view.dispatch({ effects: EditorView.scrollIntoView(at.from, { y: "center" }) });
    },
  };
}
