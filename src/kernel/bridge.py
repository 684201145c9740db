"""Bridge between Plotwright (Node) and one Jupyter kernel (ipykernel).

Started as ``python bridge.py '<config json>'``. Speaks JSON lines: one request per stdin line, one
reply per stdout line, each carrying the request's ``id``. Anything else that writes to stdout
(libraries, the kernel process) is redirected to stderr so it cannot corrupt the protocol.

Requests:
  {"id": 1, "op": "execute", "code": "...", "timeout": 2.0 | null, "capture": true, "summaries": true}
  {"op": "cancel", "target": 1}                      (no reply; the execute replies 'cancelled')
  {"id": 2, "op": "restart"}
  {"id": 3, "op": "shutdown"}                        (replies, then exits)
Events (no id): {"event": "ready", ...} once the kernel is up, {"event": "fatal", "message": ...}.
"""

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

INTERRUPT_GRACE_S = 2.0
ALIVE_POLL_S = 0.1
PLOTLY_MIME = 'application/vnd.plotly.v1+json'
TEXT_MIMES = ('text/plain', 'text/markdown', 'text/html', 'text/latex', 'image/svg+xml', 'application/json')
# A runaway print loop must not turn into a reply of hundreds of MB.
MAX_STREAM_CHARS = 1_000_000
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
SETUP_MODULE = '_plotwright_kernel'
FIGURES_MODULE = '_plotwright_figures'

HERE = os.path.dirname(os.path.abspath(__file__))


def strip_ansi(text):
    return ANSI.sub('', text)


def kernel_error(content):
    return {
        'ename': str(content.get('ename', 'Error')),
        'evalue': str(content.get('evalue', '')),
        'traceback': [strip_ansi(line) for line in content.get('traceback') or []],
    }


def seconds_text(seconds):
    return f'{seconds:g}'


class ProtocolOut:
    def __init__(self):
        # Keep a private copy of the real stdout and point fd 1 at stderr.
        self._stream = os.fdopen(os.dup(1), 'w', encoding='utf-8')
        os.dup2(2, 1)
        self._lock = threading.Lock()

    def send(self, message):
        line = json.dumps(message, ensure_ascii=False, default=str)
        with self._lock:
            self._stream.write(line + '\n')
            self._stream.flush()


class Outputs:
    """Turns iopub messages of one execution into Plotwright's KernelOutput shape."""

    def __init__(self):
        self.items = []
        self._clear_on_next = False
        self._images = set()
        self._stream_chars = 0
        self._truncated = False

    def _push(self, item):
        if self._clear_on_next:
            self.items.clear()
            self._images.clear()
            self._clear_on_next = False
        self.items.append(item)

    def add(self, msg):
        kind = msg['msg_type']
        content = msg['content']
        if kind == 'stream':
            name = 'stderr' if content.get('name') == 'stderr' else 'stdout'
            text = self._budget(content.get('text', ''))
            if not text:
                return
            last = self.items[-1] if self.items and not self._clear_on_next else None
            if last is not None and last['kind'] == 'stream' and last['name'] == name:
                last['text'] += text
            else:
                self._push({'kind': 'stream', 'name': name, 'text': text})
        elif kind in ('display_data', 'execute_result', 'update_display_data'):
            self._add_bundle(content.get('data') or {})
        elif kind == 'error':
            self._push({'kind': 'error', 'error': kernel_error(content)})
        elif kind == 'clear_output':
            if content.get('wait'):
                self._clear_on_next = True
            else:
                self.items.clear()
                self._images.clear()

    def _budget(self, text):
        if self._truncated:
            return ''
        room = MAX_STREAM_CHARS - self._stream_chars
        if len(text) <= room:
            self._stream_chars += len(text)
            return text
        self._truncated = True
        self._stream_chars = MAX_STREAM_CHARS
        return text[:room] + f'\n[plotwright: output truncated after {MAX_STREAM_CHARS:,} characters]\n'

    def _add_bundle(self, data):
        if PLOTLY_MIME in data:
            self._push({'kind': 'plotly', 'figure': data[PLOTLY_MIME]})
            return
        png = data.get('image/png')
        if isinstance(png, str):
            png = ''.join(png.split())
            # A figure both returned and flushed by the inline backend arrives twice, byte for byte.
            if png not in self._images:
                self._images.add(png)
                self._push({'kind': 'image', 'data': png})
            return
        for mime in TEXT_MIMES:
            if mime in data:
                value = data[mime]
                text = value if isinstance(value, str) else json.dumps(value)
                self._push({'kind': 'text', 'mime': mime, 'text': text})
                return
        for mime, value in data.items():
            self._push({'kind': 'text', 'mime': mime, 'text': value if isinstance(value, str) else json.dumps(value)})
            return

    def has(self, kind):
        return any(item['kind'] == kind for item in self.items)

    def last_error(self):
        errors = [item['error'] for item in self.items if item['kind'] == 'error']
        return errors[-1] if errors else None

    def drop_errors(self, ename):
        kept = []
        dropped = None
        for item in self.items:
            if item['kind'] == 'error' and item['error']['ename'] == ename:
                dropped = item['error']
            else:
                kept.append(item)
        self.items = kept
        return dropped


class StderrTail:
    """Drains a pipe on a thread, keeping the last few KB (for crash messages)."""

    def __init__(self, pipe, limit=8192):
        self._pipe = pipe
        self._limit = limit
        self._data = b''
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self):
        try:
            for chunk in iter(lambda: os.read(self._pipe.fileno(), 65536), b''):
                with self._lock:
                    self._data = (self._data + chunk)[-self._limit:]
        except OSError:
            pass

    def text(self):
        with self._lock:
            return self._data.decode('utf-8', 'replace')

    def wait_closed(self, timeout):
        """Waits until the pipe is drained to its end (the process and its children are gone)."""
        self._thread.join(timeout)

    def clear(self):
        with self._lock:
            self._data = b''


class KernelStartError(Exception):
    pass


def _kill_group(process):
    """SIGKILL to the kernel's process group (it has its own session), then reap it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            try:
                process.kill()
            except OSError:
                pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _remove_file(path):
    try:
        os.remove(path)
    except OSError:
        pass


def free_ports(count):
    """Ports the OS considers free right now (the kernel binds them a moment later)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(('127.0.0.1', 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class Kernel:
    """One ipykernel process, launched directly (no KernelManager: the process starts before
    jupyter_client is even imported, which takes a good part of a second) and spoken to over plain
    sync zmq sockets with jupyter_client's Session."""

    def __init__(self, config):
        self.cwd = config['cwd']
        self.startup_timeout = float(config.get('startupTimeoutMs') or 60000) / 1000
        self.setup_options = {
            'memoryLimitMb': config.get('memoryLimitMb'),
            'maxProcesses': config.get('maxProcesses'),
            'maxFileSizeMb': config.get('maxFileSizeMb'),
            'preload': config.get('preload') or [],
        }
        env = dict(os.environ)
        env.update(config.get('env') or {})
        env.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')
        env['MPLBACKEND'] = 'module://matplotlib_inline.backend_inline'
        env['PLOTLY_RENDERER'] = 'plotly_mimetype'
        # ipykernel exits on its own when this process goes away.
        env['JPY_PARENT_PID'] = str(os.getpid())
        self.env = env
        with open(os.path.join(HERE, 'kernel_setup.py'), encoding='utf-8') as f:
            self.setup_source = f.read()
        with open(os.path.join(HERE, 'figure_summary.py'), encoding='utf-8') as f:
            self.figures_source = f.read()
        self.runtime_dir = tempfile.mkdtemp(prefix='plotwright-kernel-')
        self.process = None
        self.connection = None
        self.connection_file = None
        self.session = None
        self.context = None
        self.shell = None
        self.iopub = None
        self.pidfd = None
        self.stderr_tail = None
        self.setup_info = {}
        self.launches = 0
        self.spare_enabled = bool(config.get('spareKernel'))
        self.spare = None

    # ------------------------------------------------------------ lifecycle

    @property
    def pid(self):
        return self.process.pid if self.process is not None else None

    def launch(self):
        """Starts the kernel process; returns at once (the kernel boots in the background)."""
        self._adopt(self._launch_process())

    def _launch_process(self):
        self.launches += 1
        ports = free_ports(5)
        connection = {
            'ip': '127.0.0.1',
            'transport': 'tcp',
            'shell_port': ports[0],
            'iopub_port': ports[1],
            'stdin_port': ports[2],
            'control_port': ports[3],
            'hb_port': ports[4],
            'key': uuid.uuid4().hex,
            'signature_scheme': 'hmac-sha256',
            'kernel_name': '',
        }
        connection_file = os.path.join(self.runtime_dir, f'kernel-{self.launches}.json')
        with open(connection_file, 'w', encoding='utf-8') as f:
            json.dump(connection, f)
        command = [
            sys.executable, os.path.join(HERE, 'kernel_launcher.py'), '-f', connection_file,
            '--HistoryManager.enabled=False', '--InteractiveShell.colors=NoColor',
        ]
        process = subprocess.Popen(
            command,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: SIGINT/SIGKILL reach its children too
        )
        return {
            'process': process,
            'connection': connection,
            'connection_file': connection_file,
            'stderr_tail': StderrTail(process.stderr),
        }

    def _adopt(self, slot):
        self.process = slot['process']
        self.connection = slot['connection']
        self.connection_file = slot['connection_file']
        self.stderr_tail = slot['stderr_tail']
        self.pidfd = None
        if hasattr(os, 'pidfd_open'):
            try:
                self.pidfd = os.pidfd_open(self.process.pid)
            except OSError:
                self.pidfd = None

    @property
    def spare_pid(self):
        return self.spare['process'].pid if self.spare is not None else None

    def ensure_spare(self):
        """With spareKernel on, keeps one more kernel booted so a restart only has to connect."""
        if self.spare_enabled and self.spare is None:
            self.spare = self._launch_process()

    def _take_spare(self):
        slot, self.spare = self.spare, None
        if slot is None:
            return None
        if slot['process'].poll() is None:
            return slot
        _remove_file(slot['connection_file'])
        return None

    def _kill_spare(self):
        slot, self.spare = self.spare, None
        if slot is not None:
            _kill_group(slot['process'])
            _remove_file(slot['connection_file'])

    def connect(self):
        """Opens the sockets, waits for the kernel and runs the setup code."""
        import zmq
        from jupyter_client.session import Session

        if self.context is None:
            self.context = zmq.Context()
        self.session = Session(key=self.connection['key'].encode('ascii'), signature_scheme='hmac-sha256')

        def connected(kind, port):
            sock = self.context.socket(kind)
            sock.setsockopt(zmq.LINGER, 0)
            if kind == zmq.DEALER:
                sock.setsockopt(zmq.IDENTITY, self.session.bsession)
            sock.connect(f"tcp://{self.connection['ip']}:{port}")
            return sock

        self.shell = connected(zmq.DEALER, self.connection['shell_port'])
        self.iopub = connected(zmq.SUB, self.connection['iopub_port'])
        self.iopub.setsockopt(zmq.SUBSCRIBE, b'')
        self._wait_ready()
        self._run_setup()

    def start(self):
        started = time.perf_counter()
        for attempt in range(2):
            if attempt:
                self._discard()
                self.launch()
            try:
                self.connect()
                break
            except KernelStartError:
                # Another process may have taken one of the ports between our check and the bind.
                if attempt or 'Address already in use' not in (self.stderr_tail.text() if self.stderr_tail else ''):
                    raise
        return (time.perf_counter() - started) * 1000

    def restart(self):
        started = time.perf_counter()
        self._discard()
        spare = self._take_spare()
        if spare is not None:
            self._adopt(spare)
        else:
            self.launch()
        self.start()
        self.ensure_spare()
        return (time.perf_counter() - started) * 1000

    def _discard(self):
        """Kills the current process (if any) and forgets its sockets."""
        self._close_sockets()
        if self.process is not None:
            _kill_group(self.process)
        if self.connection_file:
            _remove_file(self.connection_file)

    def _close_sockets(self):
        for sock in (self.shell, self.iopub):
            if sock is not None:
                sock.close(linger=0)
        self.shell = self.iopub = None
        if self.pidfd is not None:
            try:
                os.close(self.pidfd)
            except OSError:
                pass
            self.pidfd = None

    def _signal(self, signum):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except OSError:
            try:
                self.process.send_signal(signum)
            except OSError:
                pass

    def interrupt(self):
        self._signal(signal.SIGINT)

    def is_alive(self):
        return self.process is not None and self.process.poll() is None

    def exit_description(self):
        code = self.process.poll() if self.process is not None else None
        if code is None:
            return 'it stopped responding'
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f'signal {-code}'
            return f'killed by {name}'
        return f'exit code {code}'

    def crash_details(self):
        """The interesting part of the dead kernel's stderr: faulthandler's report if there is one
        (innermost frames first), else the last lines."""
        if self.stderr_tail is None:
            return ''
        # The process is dead, but its last words (faulthandler's report) may still be in the pipe.
        self.stderr_tail.wait_closed(1.0)
        # pydevd's frozen-modules warning lines ('0.00s - ...') are noise here.
        lines = [
            line for line in self.stderr_tail.text().splitlines()
            if line.strip() and not re.match(r'^\d+\.\d+s - ', line)
        ]
        for index, line in enumerate(lines):
            if line.startswith('Fatal Python error'):
                return '\n'.join(lines[index:index + 12])
        return '\n'.join(lines[-20:])

    def shutdown(self):
        """Stops the kernel. It keeps no state worth a polite shutdown (history is off), and SIGKILL
        to its process group also ends anything the user's code started; a polite one costs ~200 ms."""
        self.kill()

    def kill(self):
        self._kill_spare()
        self._discard()
        self._cleanup_runtime_dir()

    def _cleanup_runtime_dir(self):
        try:
            os.rmdir(self.runtime_dir)
        except OSError:
            pass

    # ------------------------------------------------------------ messaging

    def _poller(self, extra_fds=()):
        import zmq

        poller = zmq.Poller()
        poller.register(self.shell, zmq.POLLIN)
        poller.register(self.iopub, zmq.POLLIN)
        if self.pidfd is not None:
            poller.register(self.pidfd, zmq.POLLIN)
        for fd in extra_fds:
            poller.register(fd, zmq.POLLIN)
        return poller

    def _recv_all(self, sock):
        import zmq

        messages = []
        while True:
            _idents, msg = self.session.recv(sock, mode=zmq.NOBLOCK)
            if msg is None:
                return messages
            messages.append(msg)

    def _wait_ready(self):
        """kernel_info round trips until the kernel answers on shell AND we see its iopub status,
        which proves our iopub subscription is live (no lost outputs in the first cell)."""
        deadline = time.monotonic() + self.startup_timeout
        poller = self._poller()
        sent = set()
        replied = False
        seen_iopub = False
        step = 0.2
        while True:
            msg = self.session.send(self.shell, 'kernel_info_request', {})
            sent.add(msg['header']['msg_id'])
            round_end = time.monotonic() + step
            while True:
                now = time.monotonic()
                if now >= deadline:
                    reason = f'the kernel did not answer within {seconds_text(self.startup_timeout)} s'
                    raise KernelStartError(self._start_failure(reason))
                if replied and now >= round_end:
                    break  # answered on shell but iopub is not live yet: ask again
                limit = round_end if replied else now + ALIVE_POLL_S
                events = dict(poller.poll(max(0.0, min(limit, deadline) - now) * 1000))
                if (self.pidfd is not None and self.pidfd in events) or not events:
                    if not self.is_alive():
                        reason = f'the kernel process exited ({self.exit_description()})'
                        raise KernelStartError(self._start_failure(reason))
                if self.shell in events:
                    replied = replied or any(r['parent_header'].get('msg_id') in sent for r in self._recv_all(self.shell))
                if self.iopub in events:
                    seen_iopub = seen_iopub or any(p['parent_header'].get('msg_id') in sent for p in self._recv_all(self.iopub))
                if replied and seen_iopub:
                    return
            step = min(step * 2, 1.0)

    def _start_failure(self, reason):
        details = self.crash_details()
        return f'Could not start the Python kernel: {reason}.' + (f'\n{details}' if details else '')

    def _run_setup(self):
        code = (
            f"exec(compile({self.figures_source!r}, '<plotwright figure summary>', 'exec'), "
            f"__import__('sys').modules.setdefault({FIGURES_MODULE!r}, "
            f"__import__('types').ModuleType({FIGURES_MODULE!r})).__dict__)\n"
            f"exec(compile({self.setup_source!r}, '<plotwright kernel setup>', 'exec'), "
            f"__import__('sys').modules.setdefault({SETUP_MODULE!r}, "
            f"__import__('types').ModuleType({SETUP_MODULE!r})).__dict__)"
        )
        expression = f"__import__({SETUP_MODULE!r}).install({json.dumps(self.setup_options)!r})"
        outcome = self.run(code, silent=True, expressions={'setup': expression}, timeout=self.startup_timeout)
        if outcome['reason'] is not None or outcome['reply'] is None:
            raise KernelStartError(self._start_failure(f'the setup code did not finish ({outcome["reason"]})'))
        reply = outcome['reply']
        if reply.get('status') != 'ok':
            raise KernelStartError('Kernel setup failed: ' + '\n'.join(strip_ansi(t) for t in reply.get('traceback') or [reply.get('evalue', '')]))
        self.setup_info = parse_expression(reply, 'setup') or {}

    def run(self, code, silent=False, expressions=None, timeout=None, cancel=None, wake_fd=None, metadata=None, outputs=None):
        """Executes code and waits for its reply and its final iopub 'idle'.

        Returns {'reply', 'outputs', 'reason', 'stuck'}: reply is the execute_reply content (plus its
        timestamps) or None; reason is None, 'timeout', 'cancelled' or 'died'; after a timeout or
        cancel the kernel got SIGINT, and 'stuck' is True when it did not stop within the grace
        period.
        """
        outputs = outputs if outputs is not None else Outputs()
        content = {
            'code': code,
            'silent': silent,
            'store_history': not silent,
            'user_expressions': expressions or {},
            'allow_stdin': False,
            'stop_on_error': False,
        }
        msg = self.session.send(self.shell, 'execute_request', content, metadata=metadata or {})
        msg_id = msg['header']['msg_id']
        started = time.monotonic()
        deadline = started + timeout if timeout else None
        poller = self._poller([wake_fd] if wake_fd is not None else [])
        reply = None
        idle = False
        reason = None
        interrupted_at = None
        while reply is None or not idle:
            now = time.monotonic()
            if reason is None:
                if cancel is not None and cancel.is_set():
                    reason = 'cancelled'
                elif deadline is not None and now >= deadline:
                    reason = 'timeout'
                if reason is not None:
                    interrupted_at = now
                    self.interrupt()
            if interrupted_at is not None and now - interrupted_at >= INTERRUPT_GRACE_S:
                return {'reply': reply_content(reply), 'outputs': outputs, 'reason': reason, 'stuck': True}
            limits = []
            if reason is None and deadline is not None:
                limits.append(deadline - now)
            if interrupted_at is not None:
                limits.append(interrupted_at + INTERRUPT_GRACE_S - now)
            if self.pidfd is None:
                limits.append(ALIVE_POLL_S)
            wait_ms = max(0.0, min(limits)) * 1000 if limits else None
            events = dict(poller.poll(wait_ms))
            if wake_fd is not None and wake_fd in events:
                try:
                    os.read(wake_fd, 4096)
                except OSError:
                    pass
            if self.iopub in events:
                for pub in self._recv_all(self.iopub):
                    if pub['parent_header'].get('msg_id') != msg_id:
                        continue
                    if pub['msg_type'] == 'status':
                        if pub['content'].get('execution_state') == 'idle':
                            idle = True
                    else:
                        outputs.add(pub)
            if self.shell in events:
                for answer in self._recv_all(self.shell):
                    if answer['parent_header'].get('msg_id') == msg_id:
                        reply = answer
            if (self.pidfd is not None and self.pidfd in events) or (self.pidfd is None and not events):
                if not self.is_alive():
                    # Collect whatever the kernel managed to publish before dying.
                    for pub in self._recv_all(self.iopub):
                        if pub['parent_header'].get('msg_id') == msg_id and pub['msg_type'] != 'status':
                            outputs.add(pub)
                    return {'reply': None, 'outputs': outputs, 'reason': 'died', 'stuck': False}
        return {'reply': reply_content(reply), 'outputs': outputs, 'reason': reason, 'stuck': False}


def reply_content(reply):
    """An execute_reply's content plus the timestamps reply_duration_ms needs."""
    if reply is None:
        return None
    content = dict(reply['content'])
    content['_header_date'] = reply['header'].get('date')
    content['_started'] = (reply.get('metadata') or {}).get('started')
    return content


def parse_expression(reply, name):
    value = (reply.get('user_expressions') or {}).get(name)
    if not value or value.get('status') != 'ok':
        return None
    text = (value.get('data') or {}).get('text/plain')
    if not text:
        return None
    try:
        import ast

        return json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return None


def as_datetime(value):
    from datetime import datetime

    if isinstance(value, str):
        return datetime.fromisoformat(value.replace('Z', '+00:00'))
    return value


def reply_duration_ms(reply):
    """Kernel-side time from the reply's timestamps, used when user_expressions did not run."""
    try:
        started, finished = (as_datetime(reply.get(key)) for key in ('_started', '_header_date'))
        return (finished - started).total_seconds() * 1000
    except Exception:
        return None


class Bridge:
    def __init__(self, config, out):
        self.config = config
        self.out = out
        self.requests = queue.Queue()
        self.cancel = threading.Event()
        self.cancelled_ids = set()
        self.current_id = None
        self.lock = threading.Lock()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        self.kernel = Kernel(config)

    # ------------------------------------------------------------ stdin

    def read_stdin(self):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                request = json.loads(line)
            except json.JSONDecodeError:
                self.out.send({'event': 'protocol_error', 'message': f'not JSON: {line[:200]}'})
                continue
            if request.get('op') == 'cancel':
                with self.lock:
                    target = request.get('target')
                    if target == self.current_id:
                        self.cancel.set()
                    else:
                        self.cancelled_ids.add(target)
                self._wake()
            else:
                self.requests.put(request)
        self.requests.put({'op': 'eof'})
        self._wake()

    def _wake(self):
        try:
            os.write(self.wake_w, b'x')
        except OSError:
            pass

    # ------------------------------------------------------------ main loop

    def serve(self):
        threading.Thread(target=self.read_stdin, daemon=True).start()
        while True:
            request = self.requests.get()
            op = request.get('op')
            if op in ('eof', 'shutdown'):
                self.kernel.shutdown()
                if op == 'shutdown':
                    self.out.send({'id': request.get('id'), 'ok': True})
                # Nothing left to clean up; skip the interpreter's slow teardown.
                os._exit(0)
            try:
                if op == 'execute':
                    self.out.send(self.execute(request))
                elif op == 'restart':
                    ms = self.kernel.restart()
                    self.out.send({
                        'id': request.get('id'), 'ok': True, 'restartMs': ms,
                        'pid': self.kernel.pid, 'sparePid': self.kernel.spare_pid,
                    })
                else:
                    self.out.send({'id': request.get('id'), 'ok': False, 'message': f'unknown op {op!r}'})
            except KernelStartError as error:
                self.out.send({'id': request.get('id'), 'ok': False, 'message': str(error)})
            except Exception as error:  # keep serving; report the bug to the caller
                import traceback

                self.out.send({'id': request.get('id'), 'ok': False, 'message': f'bridge error: {error}\n{traceback.format_exc()}'})

    def execute(self, request):
        request_id = request.get('id')
        with self.lock:
            self.current_id = request_id
            self.cancel.clear()
            if request_id in self.cancelled_ids:
                self.cancelled_ids.discard(request_id)
                self.cancel.set()
        try:
            result = self._execute(request)
            result['pid'] = self.kernel.pid
            result['sparePid'] = self.kernel.spare_pid
            return result
        finally:
            with self.lock:
                self.current_id = None
                self.cancel.clear()

    def _execute(self, request):
        request_id = request.get('id')
        capture = request.get('capture', True) is not False
        summaries = request.get('summaries', True) is not False
        timeout = request.get('timeout')
        restarted = False
        if self.cancel.is_set():
            return self._result(request_id, 'cancelled', Outputs(), cancelled_error(), None, False)
        if not self.kernel.is_alive():
            self.kernel.restart()
            restarted = True

        expression = f"__import__({SETUP_MODULE!r}).after_cell({capture!r})"
        outcome = self.kernel.run(
            request.get('code', ''),
            expressions={'after': expression},
            timeout=timeout,
            cancel=self.cancel,
            wake_fd=self.wake_r,
            metadata={'plotwright_capture': capture, 'plotwright_summaries': summaries},
        )
        outputs = outcome['outputs']
        reason = outcome['reason']
        reply = outcome['reply']

        if reason == 'died':
            description = self.kernel.exit_description()
            details = self.kernel.crash_details()
            restart_note = 'it was restarted, so variables and imports are gone.'
            try:
                self.kernel.restart()
                restarted = True
            except KernelStartError as error:
                restart_note = f'restarting it failed: {error}'
            message = f'The Python kernel died while running the code ({description}); {restart_note}'
            error = {'ename': 'KernelDied', 'evalue': message, 'traceback': details.splitlines() if details else []}
            return self._result(request_id, 'died', outputs, error, None, restarted)

        if reason in ('timeout', 'cancelled'):
            interrupt = outputs.drop_errors('KeyboardInterrupt')
            note = '.'
            if outcome['stuck']:
                try:
                    self.kernel.restart()
                    restarted = True
                    note = '; the kernel ignored the interrupt and was restarted, so its state is gone.'
                except KernelStartError as error:
                    note = f'; the kernel ignored the interrupt and restarting it failed: {error}'
            if reason == 'timeout':
                error = {
                    'ename': 'TimeoutError',
                    'evalue': f'Execution timed out after {seconds_text(timeout)} s{note}',
                    'traceback': interrupt['traceback'] if interrupt else [],
                }
            else:
                error = cancelled_error(note)
            kernel_ms = reply_duration_ms(reply) if reply else None
            return self._result(request_id, reason, outputs, error, kernel_ms, restarted)

        status = reply.get('status')
        if status != 'ok':
            error = kernel_error(reply) if status == 'error' else {'ename': 'Aborted', 'evalue': 'The kernel aborted the execution.', 'traceback': []}
            return self._result(request_id, 'error', outputs, error, reply_duration_ms(reply), restarted)

        info = parse_expression(reply, 'after')
        kernel_ms = info['ms'] if info else reply_duration_ms(reply)
        figures = info.get('figures') if info else None
        if info and capture:
            show_images = info.get('saved', 0) > 0 and not outputs.has('image')
            show_plotly = info.get('plotly', 0) > 0 and not outputs.has('plotly')
            if show_images or show_plotly:
                pending = self._show_pending(outputs, show_images, show_plotly)
                kernel_ms = (kernel_ms or 0) + pending.get('ms', 0)
                figures = pending.get('figures', figures)
        # The cell ran, but drawing its figure raised (IPython shows that traceback as an error
        # output of a cell whose status is ok): without a figure, that error is the cell's result.
        drawn = outputs.last_error()
        if capture and drawn is not None and not outputs.has('image') and not outputs.has('plotly'):
            result = self._result(request_id, 'error', outputs, drawn, kernel_ms, restarted)
        else:
            result = self._result(request_id, 'ok', outputs, None, kernel_ms, restarted)
        if figures is not None:
            result['figures'] = figures
        return result

    def _show_pending(self, outputs, images, plotly):
        expression = f"__import__({SETUP_MODULE!r}).show_pending({images!r}, {plotly!r})"
        outcome = self.kernel.run('', silent=True, expressions={'pending': expression}, timeout=30, outputs=outputs)
        if outcome['reply'] is None:
            return {}
        return parse_expression(outcome['reply'], 'pending') or {}

    @staticmethod
    def _result(request_id, status, outputs, error, kernel_ms, restarted):
        return {
            'id': request_id,
            'ok': True,
            'status': status,
            'outputs': outputs.items,
            'error': error,
            'kernelMs': kernel_ms,
            'restarted': restarted,
        }


def cancelled_error(note='.'):
    return {'ename': 'Cancelled', 'evalue': f'Execution was cancelled{note}', 'traceback': []}


def _loopback_up():
    """A new network namespace has only a loopback interface, and it is down; the kernel's zmq
    sockets need it. It reaches nothing outside the namespace."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack('16sH14x', b'lo', 0)
        flags = struct.unpack('16sH14x', fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack('16sH14x', b'lo', flags | iff_up))


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _hide(paths, needed):
    """Mounts an empty read-only tmpfs over each folder (we are root of a fresh user and mount
    namespace, so the mounts are private to it). A folder that holds something the kernel needs is
    left visible and reported."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    ms_rdonly, ms_nosuid, ms_nodev, ms_noexec = 1, 2, 4, 8
    hidden, visible = [], {}
    for path in paths:
        folder = os.path.realpath(path)
        if not os.path.isdir(folder):
            os.makedirs(folder, exist_ok=True)
        blocker = next((n for n in needed if _inside(n, folder)), None)
        if blocker is not None:
            visible[path] = f'it holds {blocker}, which the kernel needs'
            continue
        flags = ms_rdonly | ms_nosuid | ms_nodev | ms_noexec
        if libc.mount(b'plotwright-hidden', folder.encode(), b'tmpfs', flags, b'size=4k') != 0:
            visible[path] = os.strerror(ctypes.get_errno())
            continue
        hidden.append(path)
    return hidden, visible


def contain(config):
    """Runs first when Node started this bridge under unshare (see containment.ts)."""
    spec = config.get('contain')
    if not spec:
        return None
    if spec.get('cutNetwork', True):
        _loopback_up()
    needed = [os.path.realpath(p) for p in (config['cwd'], HERE, sys.prefix, sys.base_prefix, os.path.dirname(sys.executable), tempfile.gettempdir())]
    hidden, visible = _hide(spec.get('hidePaths') or [], needed)
    return {'hiddenPaths': hidden, 'visible': visible}


def main():
    started = time.perf_counter()
    out = ProtocolOut()
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    try:
        contained = contain(config)
    except Exception as error:
        out.send({'event': 'fatal', 'message': f'Could not contain the kernel: {error!r}'})
        return 1
    bridge = Bridge(config, out)

    def on_term(_signum, _frame):
        bridge.kernel.kill()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    try:
        # Launch first: the kernel boots while this process imports zmq and jupyter_client.
        bridge.kernel.launch()
        bridge.kernel.start()
    except Exception as error:
        bridge.kernel.kill()
        message = str(error) if isinstance(error, KernelStartError) else f'Could not start the Python kernel: {error!r}'
        out.send({'event': 'fatal', 'message': message})
        return 1
    # The spare boots after the first kernel is ready, so it does not slow the start down.
    bridge.kernel.ensure_spare()
    out.send({
        'event': 'ready',
        'runtimeDir': bridge.kernel.runtime_dir,
        'pid': bridge.kernel.pid,
        'sparePid': bridge.kernel.spare_pid,
        'kernelStartMs': (time.perf_counter() - started) * 1000,
        'setup': bridge.kernel.setup_info,
        'python': sys.executable,
        'contained': contained,
    })
    try:
        bridge.serve()
    except KeyboardInterrupt:
        bridge.kernel.kill()
    return 0


if __name__ == '__main__':
    sys.exit(main())
