// The one place report.html is written, for a run folder or a comparison folder: the CLI, the
// palette and `bench merge` all end here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderReportFile } from './compareReport.js';

/** Writes <dir>/report.html; returns why it could not, or undefined. */
export function writeReportHtml(dir: string): string | undefined {
  try {
    // A fresh random nonce per report (compareReport.folderReportFile).
    writeFileSync(join(dir, 'report.html'), folderReportFile(dir));
    return undefined;
  } catch (error) {
    return `could not write report.html in ${dir}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
