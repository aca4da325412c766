"""kazoo (the Python ZooKeeper client) against a ZooKeeper client port, for cli/serve-kazoo.test.ts.

    /usr/bin/python3 kazoo_session.py basic HOST:PORT[,HOST:PORT...]
    /usr/bin/python3 kazoo_session.py failover HOST:PORT[,HOST:PORT...]

basic: connect, create/get/set/children/delete, errors, an ephemeral and sequential nodes, data,
children and exists watches that fire, a transaction (multi) that commits and one that fails, and
the ephemeral gone for a second client once the first closed. It prints one line per result with
nothing that differs between servers by design (no zxids, times or session ids), so the output
against a served ensemble and against a real ZooKeeper 3.8 compare as text.

failover: creates an ephemeral, prints `KILL` and waits for a line on stdin (the test kills the
leader meanwhile), then retries until served again and prints whether the session, the ephemeral
and a new write survived.

Exit 0 when the script ran to its end, 1 with one line on stderr otherwise.
"""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NodeExistsError
from kazoo.retry import KazooRetry


def out(*words):
    print(*words, flush=True)


def client(hosts):
    zk = KazooClient(hosts=hosts, timeout=10.0,
                     connection_retry=KazooRetry(max_tries=-1, delay=0.1, max_delay=1.0))
    zk.start(timeout=20)
    return zk


def attempt(label, fn):
    """Run fn; print its result or the kazoo error class (what an application would see)."""
    try:
        out(label, '->', fn())
    except KazooException as e:
        out(label, '->', type(e).__name__)


def events_of(name):
    """A watch callback that records `name TYPE PATH` lines and a threading.Event per firing."""
    got = []
    fired = threading.Event()

    def cb(event):
        got.append('%s %s %s' % (name, event.type, event.path))
        fired.set()
    return got, fired, cb


def basic(hosts):
    zk = client(hosts)
    out('connected', zk.state)
    attempt('create /k', lambda: zk.create('/k', b'v1'))
    attempt('create /k again', lambda: zk.create('/k', b'v1'))
    data, stat = zk.get('/k')
    out('get /k ->', data, 'version', stat.version, 'dataLength', stat.dataLength, 'numChildren', stat.numChildren)
    attempt('set /k', lambda: zk.set('/k', b'v2').version)
    attempt('set /k bad version', lambda: zk.set('/k', b'v9', version=7))
    attempt('create /k/a/b no parent', lambda: zk.create('/k/a/b', b''))
    attempt('ensure_path /k/a/b', lambda: zk.ensure_path('/k/a/b'))
    attempt('delete /k/a not empty', lambda: zk.delete('/k/a'))
    attempt('delete /k/a recursive', lambda: zk.delete('/k/a', recursive=True))
    attempt('delete /nope', lambda: zk.delete('/nope'))
    attempt('exists /nope', lambda: zk.exists('/nope'))

    # An ephemeral node owned by this session, and sequential nodes numbered by the parent's cversion.
    eph = zk.create('/k/e', b'tmp', ephemeral=True)
    out('ephemeral', eph, 'owned by me', zk.exists('/k/e').ephemeralOwner == zk.client_id[0])
    seq = [zk.create('/k/q-', v, sequence=True) for v in (b'x', b'y')]
    out('sequential', seq)
    attempt('create ephemeral sequential /k/eq-', lambda: zk.create('/k/eq-', b'', ephemeral=True, sequence=True))
    attempt('children /k', lambda: sorted(zk.get_children('/k')))
    attempt('children /k with data', lambda: sorted((c, zk.get('/k/' + c)[0]) for c in zk.get_children('/k')))

    # Watches: a data watch, a children watch, an exists watch on a node not there yet.
    data_events, data_fired, data_cb = events_of('data')
    zk.get('/k', watch=data_cb)
    child_events, child_fired, child_cb = events_of('children')
    zk.get_children('/k', watch=child_cb)
    exists_events, exists_fired, exists_cb = events_of('exists')
    out('exists /k/w (watch) ->', zk.exists('/k/w', watch=exists_cb))
    zk.set('/k', b'v3')
    zk.create('/k/w', b'')
    for fired in (data_fired, child_fired, exists_fired):
        fired.wait(10)
    for line in data_events + child_events + exists_events:
        out('event', line)

    # A transaction (multi) that commits, and one that fails and leaves nothing behind.
    t = zk.transaction()
    t.check('/k', 2)
    t.create('/k/t1', b'1')
    t.set_data('/k/w', b'w1')
    t.delete(seq[0])
    results = t.commit()
    out('transaction ->', [r if isinstance(r, (str, bool)) else type(r).__name__ if isinstance(r, Exception) else 'stat version %d' % r.version for r in results])
    t = zk.transaction()
    t.create('/k/t2', b'2')
    t.check('/k', 99)
    results = t.commit()
    out('failed transaction ->', [r if isinstance(r, (str, bool)) else type(r).__name__ for r in results])
    attempt('exists /k/t2 after the failed transaction', lambda: zk.exists('/k/t2'))
    attempt('children /k', lambda: sorted(zk.get_children('/k')))

    # A second client: sees the ephemeral, then sees it go when the first client closes.
    other = client(hosts)
    gone_events, gone_fired, gone_cb = events_of('other exists')
    out('other sees /k/e ->', other.exists('/k/e', watch=gone_cb) is not None)
    zk.stop()
    zk.close()
    gone_fired.wait(10)
    for line in gone_events:
        out('event', line)
    attempt('other exists /k/e after close', lambda: other.exists('/k/e'))
    attempt('other children /k', lambda: sorted(other.get_children('/k')))
    other.stop()
    other.close()
    out('done')


def failover(hosts):
    zk = client(hosts)
    session = zk.client_id[0]
    zk.create('/fo', b'')
    zk.create('/fo/e', b'mine', ephemeral=True)
    states = []
    zk.add_listener(lambda s: states.append(str(s)))
    out('KILL')
    sys.stdin.readline()
    retry = KazooRetry(max_tries=-1, delay=0.1, max_delay=0.5, deadline=30)
    data, _ = retry(zk.get, '/fo/e')
    out('after the kill: /fo/e ->', data)
    out('same session ->', zk.client_id[0] == session)
    def create_after():
        try:
            zk.create('/fo/after', b'1')
        except NodeExistsError:
            pass  # an earlier try created it but lost its reply to the failover (ConnectionLoss)
    retry(create_after)
    out('write after the kill ->', retry(zk.get, '/fo/after')[0])
    out('was suspended ->', 'SUSPENDED' in states, 'lost ->', 'LOST' in states)
    zk.stop()
    zk.close()
    out('done')


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('basic', 'failover'):
        sys.stderr.write('usage: kazoo_session.py basic|failover HOST:PORT[,...]\n')
        return 2
    try:
        (basic if sys.argv[1] == 'basic' else failover)(sys.argv[2])
    except Exception as e:  # one line, not a traceback
        sys.stderr.write('kazoo_session: %s: %s\n' % (type(e).__name__, e))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
