/** A Python string literal for `text`: JSON string syntax is valid Python and escapes quotes and backslashes. */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}
