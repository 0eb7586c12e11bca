// The script a new lab's init runs: the tutorial's world in private namespaces. Pure text.
//
//   outside ns: eth0 172.16.0.1/24, lo 203.0.113.1 (a documentation address); no route to 172.18.0.0/16
//        │ veth
//   lab host:   eth0 172.16.0.2/24, default via 172.16.0.1   ← the learner's "host"
//
// The outside runs a web server on port 80 that answers with the client's address, so a check can
// prove that NAT really translated the containers' source to 172.16.0.2.

/** Where the lab keeps its own files, inside its private /run. */
export const LAB_RUN = '/run/tsnet';
/** The outside world's network namespace, bind-mounted outside /run/netns so `ip netns list` stays the learner's. */
export const OUTSIDE_NS = `${LAB_RUN}/outside`;
export const HOST_IP = '172.16.0.2';
export const OUTSIDE_IPS = ['172.16.0.1', '203.0.113.1'];
export const ECHO_PORT = 80;

/** The outside's server: `GET /` answers `you are CLIENT_ADDRESS`. Python, as the lessons' own server. */
const ECHO_SERVER = `import http.server as h
class H(h.BaseHTTPRequestHandler):
    def do_GET(self):
        b = ("you are %s\\n" % self.client_address[0]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *args):
        pass
h.ThreadingHTTPServer(("0.0.0.0", ${ECHO_PORT}), H).serve_forever()`;

/**
 * `diesWithCreator`: the lab ends when its creator does, however it dies (even SIGKILL): a watcher
 * reads the pipe on stdin, whose other end only the creator holds. End of file means the creator is
 * gone, so the watcher asks init to exit (init ignores signals it has no handler for, hence the trap),
 * and the kernel kills everything else in the pid namespace. The line "keep" releases the lab instead.
 */
export function labInitScript(options: { diesWithCreator?: boolean } = {}): string {
  const watcher = options.diesWithCreator
    ? `trap 'exit 0' USR1
{ read -r word <&3; [ "$word" = keep ] || kill -USR1 1; } 3<&0 </dev/null >/dev/null 2>&1 &
`
    : '';
  return `${watcher}set -e
mount -t tmpfs -o mode=755 tsnet-run /run
mkdir -p /run/netns ${LAB_RUN}/jobs
: > ${LAB_RUN}/resolv.conf
mount --bind ${LAB_RUN}/resolv.conf /etc/resolv.conf
mount -t sysfs sysfs /sys
ip link set lo up
touch ${OUTSIDE_NS}
unshare --net=${OUTSIDE_NS} true
# Started first so its start-up overlaps the rest; the system python starts faster than a version manager's shim.
PY=$(command -v /usr/bin/python3 || command -v python3)
nsenter --net=${OUTSIDE_NS} "$PY" -c '${ECHO_SERVER}' </dev/null >/dev/null 2>&1 &
echo_pid=$!
# Ends with different ifindexes: with the same one (2 on both sides, each first in its namespace) the kernel
# takes the pair for a device that is its own link and applies its carrier up to a second late.
ip link add eth0 index 2 type veth peer name eth0 netns ${OUTSIDE_NS} index 3
ip addr add ${HOST_IP}/24 dev eth0
ip link set eth0 up
ip route add default via 172.16.0.1
nsenter --net=${OUTSIDE_NS} sh -c 'ip link set lo up; ip addr add 172.16.0.1/24 dev eth0; ip link set eth0 up; ip addr add 203.0.113.1/32 dev lo'
# Ready once the echo server listens (port in hex, 0A is LISTEN), at most 10 s.
for i in $(seq 1 1000); do
  grep -qE '^ *[0-9]+: [0-9A-F]+:${ECHO_PORT.toString(16).toUpperCase().padStart(4, '0')} [0-9A-F]+:[0-9A-F]+ 0A' /proc/$echo_pid/net/tcp 2>/dev/null && break
  kill -0 $echo_pid 2>/dev/null || { echo "the outside's echo server did not start" >&2; exit 1; }
  sleep 0.01
done
set +e
echo ready
# pid 1 of the lab: reaps orphans (servers left by finished runs) and ignores SIGTERM like any pid-ns init.
exec 0</dev/null 1>/dev/null 2>/dev/null
while :; do sleep 3600 & wait $!; done
`;
}
