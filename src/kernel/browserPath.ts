// Finds a Chromium-family browser for rendering Plotly figures: an explicit path (a setting, a flag),
// PLOTWRIGHT_CHROMIUM, then the usual install locations of Chromium, Chrome and Edge.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable', 'msedge'];

const WELL_KNOWN: Partial<Record<NodeJS.Platform, string[]>> = {
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
};

export interface FindBrowserOptions {
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  exists?: (path: string) => boolean;
}

/** The candidates in the order they are tried. */
export function browserCandidates(options: FindBrowserOptions = {}): string[] {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const dirs = (env.PATH ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const exe = platform === 'win32' ? '.exe' : '';
  return [
    ...new Set([
      ...(options.explicit ? [options.explicit] : []),
      ...(env.PLOTWRIGHT_CHROMIUM ? [env.PLOTWRIGHT_CHROMIUM] : []),
      ...dirs.flatMap((dir) => NAMES.map((name) => join(dir, name + exe))),
      ...(WELL_KNOWN[platform] ?? []),
    ]),
  ];
}

/** The first candidate that exists; an explicit path that does not exist is not replaced by another. */
export function findBrowser(options: FindBrowserOptions = {}): string | undefined {
  const exists = options.exists ?? existsSync;
  if (options.explicit) {
    return exists(options.explicit) ? options.explicit : undefined;
  }
  return browserCandidates(options).find((path) => exists(path));
}
