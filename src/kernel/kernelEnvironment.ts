// The environment a kernel (and the generated code in it) gets: only what Python, pandas, Matplotlib,
// fonts and the locale need. The CLI's and the benchmark's own environment holds API keys
// (OPENAI_API_KEY, HF_TOKEN, ...), and generated code is untrusted, so nothing is inherited by default.

/** Names passed through exactly. */
const ALLOWED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TZDIR',
  'TMPDIR',
  'TEMP',
  'TMP',
  'TERM',
  'PYTHONHOME',
  'PYTHONPATH',
  'PYTHONIOENCODING',
  'PYTHONUTF8',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'LD_LIBRARY_PATH',
  'MPLCONFIGDIR',
  'IPYTHONDIR',
  'JUPYTER_CONFIG_DIR',
  'JUPYTER_DATA_DIR',
  'JUPYTER_RUNTIME_DIR',
  'FONTCONFIG_FILE',
  'FONTCONFIG_PATH',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  'OMP_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'MKL_NUM_THREADS',
  // Windows: the interpreter and its DLLs do not start without these.
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'PROGRAMDATA',
]);

/** Locale categories (LC_ALL, LC_CTYPE, ...). */
const ALLOWED_PREFIXES = ['LC_'];

/** Never passed, even when allowed above or given explicitly: anything named like a credential. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

function isAllowedName(name: string): boolean {
  const upper = name.toUpperCase();
  return ALLOWED_NAMES.has(upper) || ALLOWED_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/**
 * The allowlisted part of `source`, plus `extra` (the caller's own settings for the kernel), with
 * every name that looks like a credential dropped from both.
 */
export function kernelEnvironment(source: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && isAllowedName(name) && !isSecretName(name)) {
      env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(extra)) {
    if (!isSecretName(name)) {
      env[name] = value;
    }
  }
  return env;
}
