"""Launch a distributed job: ``python -m mxnet.tools.launch -n WORKERS [-s SERVERS]
[--launcher local|ssh] [-H hostfile] COMMAND...`` (MXNet's tools/launch.py).

Every worker runs COMMAND with the environment MXNet's launcher sets (``DMLC_ROLE=worker``,
``DMLC_NUM_WORKER``, ``DMLC_NUM_SERVER``, ``DMLC_PS_ROOT_URI``, ``DMLC_PS_ROOT_PORT``) plus
its rank (``DMLC_WORKER_ID``) and torch.distributed's names for the same things (``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``, ``LOCAL_RANK``). Servers (``-s``, needed by
``dist_async``) run ``python -m mxnet.kvstore_dist``. remx needs no ps-lite scheduler: rank 0
hosts the rendezvous at ROOT_URI:ROOT_PORT.

Each output line of a process is printed with its role and rank (``[worker 1] ...``). When a
process fails, every other one is stopped (SIGTERM, then SIGKILL after ``--kill-grace``
seconds) and the launcher exits with the first non-zero exit code (128 + N for a process
killed by signal N). Servers still running once every worker has succeeded are stopped.
"""
import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

__all__ = ['main', 'build_commands']


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _read_hosts(path):
    hosts = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            host, _, port = line.partition(':')
            hosts.append((host, port or None))
    if not hosts:
        raise SystemExit('launch: hostfile %s names no host' % path)
    return hosts


def _parse(argv):
    p = argparse.ArgumentParser(prog='python -m mxnet.tools.launch',
                                description='Launch a distributed remx (MXNet) job.')
    p.add_argument('-n', '--num-workers', required=True, type=int,
                   help='number of worker processes')
    p.add_argument('-s', '--num-servers', type=int, default=0,
                   help='number of server processes (dist_async needs at least one)')
    p.add_argument('-H', '--hostfile', type=str,
                   help='file of hosts (host[:ssh_port] per line) for --launcher ssh')
    p.add_argument('--launcher', choices=['local', 'ssh', 'mpi', 'sge', 'yarn'],
                   default='local', help='how to start the processes (local or ssh)')
    p.add_argument('--port', type=int, default=0,
                   help='DMLC_PS_ROOT_PORT (default: a free port)')
    p.add_argument('--root-uri', type=str, default=None,
                   help='DMLC_PS_ROOT_URI (default 127.0.0.1, or the first host with ssh)')
    p.add_argument('--sync-dst-dir', type=str,
                   help='ssh: the directory to cd into on the remote hosts')
    p.add_argument('--env', action='append', default=[],
                   help='KEY=VALUE (or KEY, copied from here) given to every process')
    p.add_argument('--kill-grace', type=float, default=3.0,
                   help='seconds between SIGTERM and SIGKILL when stopping processes')
    p.add_argument('--python', default=sys.executable,
                   help='the python that runs the servers (default: this one)')
    p.add_argument('command', nargs=argparse.REMAINDER, help='the command to launch')
    args = p.parse_args(argv)
    if args.command and args.command[0] == '--':
        args.command = args.command[1:]
    if not args.command:
        p.error('no command to launch')
    if args.num_workers < 1 or args.num_servers < 0:
        p.error('-n must be at least 1 and -s at least 0')
    if args.launcher in ('mpi', 'sge', 'yarn'):
        p.error("--launcher %s is not supported by remx; use local or ssh" % args.launcher)
    if args.launcher == 'ssh' and not args.hostfile:
        p.error('--launcher ssh needs -H hostfile')
    return args


def build_commands(args):
    """[(label, env dict, argv)] for every process of the job (workers then servers); with
    ssh the argv is the ssh command line that runs the process on its host."""
    hosts = _read_hosts(args.hostfile) if args.launcher == 'ssh' else None
    root = args.root_uri or (hosts[0][0] if hosts else '127.0.0.1')
    port = args.port or _free_port()
    base = {'DMLC_NUM_WORKER': str(args.num_workers), 'DMLC_NUM_SERVER': str(args.num_servers),
            'DMLC_PS_ROOT_URI': root, 'DMLC_PS_ROOT_PORT': str(port),
            'WORLD_SIZE': str(args.num_workers + args.num_servers),
            'MASTER_ADDR': root, 'MASTER_PORT': str(port)}
    for item in args.env:
        k, eq, v = item.partition('=')
        base[k] = v if eq else os.environ.get(k, '')
    procs = []
    for i in range(args.num_workers):
        env = dict(base, DMLC_ROLE='worker', DMLC_WORKER_ID=str(i), RANK=str(i),
                   LOCAL_RANK=str(i))
        procs.append(('worker %d' % i, env, list(args.command)))
    for i in range(args.num_servers):
        env = dict(base, DMLC_ROLE='server', DMLC_SERVER_ID=str(i),
                   RANK=str(args.num_workers + i), LOCAL_RANK=str(i))
        procs.append(('server %d' % i, env, [args.python, '-m', 'mxnet.kvstore_dist']))
    if hosts is None:
        return procs
    out = []
    for n, (label, env, argv) in enumerate(procs):
        host, sshport = hosts[n % len(hosts)]
        exports = ' '.join('export %s=%s;' % (k, shlex.quote(v)) for k, v in sorted(env.items()))
        cd = 'cd %s; ' % shlex.quote(args.sync_dst_dir) if args.sync_dst_dir else ''
        remote = exports + ' ' + cd + ' '.join(shlex.quote(a) for a in argv)
        ssh = ['ssh', '-o', 'StrictHostKeyChecking=no', '-o', 'BatchMode=yes']
        if sshport:
            ssh += ['-p', sshport]
        out.append((label, {}, ssh + [host, remote]))
    return out


class _Job:
    def __init__(self, procs, kill_grace):
        self.kill_grace = kill_grace
        self.lock = threading.Lock()
        self.children = []
        self.threads = []
        for label, env, argv in procs:
            full = dict(os.environ)
            full.update(env)
            full.setdefault('PYTHONUNBUFFERED', '1')
            child = subprocess.Popen(argv, env=full, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
            self.children.append((label, child))
            for stream, sink in ((child.stdout, sys.stdout), (child.stderr, sys.stderr)):
                t = threading.Thread(target=self._pump, args=(label, stream, sink), daemon=True)
                t.start()
                self.threads.append(t)

    def _pump(self, label, stream, sink):
        prefix = ('[%s] ' % label).encode()
        for line in iter(stream.readline, b''):
            with self.lock:
                out = getattr(sink, 'buffer', None)
                if out is not None:
                    sink.flush()
                    out.write(prefix + line if line.endswith(b'\n') else prefix + line + b'\n')
                    out.flush()
                else:
                    sink.write((prefix + line).decode(errors='replace'))
                    sink.flush()
        stream.close()

    def stop(self, which=None):
        """SIGTERM the process groups still running, SIGKILL them after the grace time."""
        alive = [(lb, c) for lb, c in (which or self.children) if c.poll() is None]
        for _, c in alive:
            try:
                os.killpg(c.pid, signal.SIGTERM)
            except OSError:
                pass
        deadline = time.time() + self.kill_grace
        for _, c in alive:
            try:
                c.wait(max(0.0, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
        for _, c in alive:
            if c.poll() is None:
                try:
                    os.killpg(c.pid, signal.SIGKILL)
                except OSError:
                    pass
                c.wait()

    def wait(self, num_workers):
        """The job's exit code: the first non-zero one, else 0."""
        workers = self.children[:num_workers]
        servers = self.children[num_workers:]
        while True:
            for label, c in self.children:
                rc = c.poll()
                if rc is not None and rc != 0:
                    self.stop()
                    self._drain()
                    code = 128 - rc if rc < 0 else rc
                    sys.stderr.write('launch: %s exited with %s; stopped the other processes\n'
                                     % (label, 'signal %d' % -rc if rc < 0 else 'code %d' % rc))
                    return code
            if all(c.poll() == 0 for _, c in workers):
                deadline = time.time() + 10
                while servers and time.time() < deadline and \
                        any(c.poll() is None for _, c in servers):
                    time.sleep(0.05)
                bad = [(lb, c.poll()) for lb, c in servers if c.poll() not in (None, 0)]
                self.stop(servers)
                self._drain()
                if bad:
                    rc = bad[0][1]
                    return 128 - rc if rc < 0 else rc
                return 0
            time.sleep(0.05)

    def _drain(self):
        for t in self.threads:
            t.join(2)


def main(argv=None):
    """Run the launcher; returns the job's exit code."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    procs = build_commands(args)
    job = _Job(procs, args.kill_grace)

    def on_signal(signum, frame):
        job.stop()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        return job.wait(args.num_workers)
    finally:
        job.stop()


if __name__ == '__main__':
    sys.exit(main())
