// What the Install button may pass to `%pip install`: only the plotting libraries Plotwright draws
// with, by exact name. Anything else (`-r file`, `-e .`, a URL, a version spec, an extra option, a
// name with a space) could make pip run arbitrary code, so the whole request is refused.

export const INSTALLABLE_PACKAGES = ['matplotlib', 'seaborn', 'plotly'] as const;
export type InstallablePackage = (typeof INSTALLABLE_PACKAGES)[number];

export type InstallRequest = { ok: true; packages: InstallablePackage[] } | { ok: false; message: string };

export function checkInstallRequest(requested: unknown): InstallRequest {
  if (!Array.isArray(requested) || requested.length === 0) {
    return { ok: false, message: 'Nothing to install: Plotwright installs only matplotlib, seaborn or plotly.' };
  }
  const refused = requested.filter((name) => typeof name !== 'string' || !(INSTALLABLE_PACKAGES as readonly string[]).includes(name));
  if (refused.length > 0) {
    const shown = refused.map((name) => JSON.stringify(name)).join(', ');
    return { ok: false, message: `Plotwright installs only matplotlib, seaborn or plotly, so it did not run pip for ${shown}.` };
  }
  return { ok: true, packages: [...new Set(requested as InstallablePackage[])] };
}
