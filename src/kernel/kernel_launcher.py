"""Starts ipykernel like ``python -m ipykernel_launcher``, minus two imports.

ipykernel's debugger pulls in debugpy (and through it pkg_resources), IPython's completer pulls in
jedi; a headless kernel uses neither, and together they are a good share of kernel start time.
``kernel_setup.install`` removes the block once the kernel is up, so user code can import both.
"""

import os
import sys


class _PlotwrightSkipImports:
    _plotwright_blocker = True

    def find_spec(self, name, path=None, target=None):
        if name.partition('.')[0] in ('debugpy', 'jedi'):
            raise ModuleNotFoundError(f'{name} is not loaded while a Plotwright kernel starts', name=name)
        return None


if __name__ == '__main__':
    # Python put this file's folder first on sys.path; the user's code should not see it.
    if sys.path and os.path.abspath(sys.path[0] or '.') == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.meta_path.insert(0, _PlotwrightSkipImports())
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
