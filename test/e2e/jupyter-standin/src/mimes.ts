// MIME types VS Code and Jupyter agree on (the values of NotebookCellOutputItem.stdout/stderr/error).
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}
