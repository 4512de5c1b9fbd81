/**
 * Mermaid is large (hundreds of KB); it is imported only when a diagram is first shown, so the
 * lab's first load stays small.
 */
type Mermaid = typeof import('mermaid').default;

let loading: Promise<Mermaid> | null = null;
let counter = 0;

function load(): Promise<Mermaid> {
  loading ??= import('mermaid').then((m) => {
    m.default.initialize({ startOnLoad: false, theme: 'neutral', securityLevel: 'strict', fontFamily: 'system-ui, sans-serif' });
    return m.default;
  });
  return loading;
}

/** Renders mermaid text to an SVG string. */
export async function renderMermaid(text: string): Promise<string> {
  const mermaid = await load();
  const { svg } = await mermaid.render(`gl-diagram-${++counter}`, text);
  return svg;
}
