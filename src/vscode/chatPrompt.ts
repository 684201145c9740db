// Parsing what the user typed after @plot (no vscode import: unit-tested as is).

/** "df: task" names the DataFrame; without the prefix the notebook's only DataFrame is used. */
export function parseChatPrompt(prompt: string): { variable?: string; task: string } {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+)$/s.exec(prompt);
  return match ? { variable: match[1], task: match[2].trim() } : { task: prompt.trim() };
}
