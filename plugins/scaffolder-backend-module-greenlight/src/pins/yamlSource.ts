import { Document, LineCounter, Node, parseDocument } from 'yaml';

/** A parsed YAML file that can say on which line a node starts. */
export type YamlSource = {
  doc: Document;
  errors: Array<{ line: number; message: string }>;
  lineOf(node: Node | null | undefined): number;
  /** The text of a 1-based line, for reading trailing comments in any YAML style. */
  lineText(line: number): string;
};

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lines = text.split(/\r?\n/);
  return {
    doc,
    errors: doc.errors.map(e => ({
      line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
      message: e.message.split('\n')[0],
    })),
    lineOf: node => (node?.range ? lineCounter.linePos(node.range[0]).line : 0),
    lineText: line => lines[line - 1] ?? '',
  };
}
