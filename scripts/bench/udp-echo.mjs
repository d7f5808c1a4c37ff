// udp-echo: 50,000 datagrams of 64 B bounced off an echo endpoint on 127.0.0.1, at most 32 in
// flight — client and echo both wasio DatagramProtocols on one loop, against the same pair
// written with node:dgram. A lost datagram would stall the window, so the client resends what is
// missing after 200 ms of silence (counted, normally 0). Figure: round trips per second.
//
//   node --expose-gc scripts/bench/udp-echo.mjs [--quick] [--rounds N]

import dgram from "node:dgram";
import { compare, isMain, runMain } from "./harness.mjs";

const COUNT = 50_000;
const WINDOW = 32;
const SIZE = 64;

async function native(n) {
  const echo = dgram.createSocket("udp4");
  echo.on("message", (m, r) => echo.send(m, r.port, r.address));
  await new Promise((r) => echo.bind(0, "127.0.0.1", r));
  const client = dgram.createSocket("udp4");
  await new Promise((r) => client.bind(0, "127.0.0.1", r));
  await new Promise((r) => client.connect(echo.address().port, "127.0.0.1", r));
  const msg = Buffer.alloc(SIZE, 97);
  const t0 = performance.now();
  await new Promise((resolve) => {
    let sent = 0,
      got = 0;
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        for (let i = 0; i < Math.min(WINDOW, n - got); i++) client.send(msg);
        arm();
      }, 200);
    };
    client.on("message", () => {
      if (++got === n) {
        clearTimeout(timer);
        resolve();
        return;
      }
      if (sent < n) {
        sent++;
        client.send(msg);
      }
      arm();
    });
    for (; sent < Math.min(WINDOW, n); sent++) client.send(msg);
    arm();
  });
  const rate = n / ((performance.now() - t0) / 1000);
  client.close();
  echo.close();
  return rate;
}

function wasio(w, n) {
  class Echo extends w.DatagramProtocol {
    connectionMade(t) {
      this.t = t;
    }
    datagramReceived(d, addr) {
      this.t.sendto(d, addr);
    }
  }
  return w.run(function* () {
    const loop = w.getRunningLoop();
    const [echo] = yield* loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 0] });
    const done = loop.createFuture();
    const msg = new Uint8Array(SIZE).fill(97);
    class Client extends w.DatagramProtocol {
      sent = 0;
      got = 0;
      timer = null;
      connectionMade(t) {
        this.t = t;
      }
      arm() {
        this.timer?.cancel();
        this.timer = loop.callLater(200, () => {
          for (let i = 0; i < Math.min(WINDOW, n - this.got); i++) this.t.sendto(msg);
          this.arm();
        });
      }
      datagramReceived() {
        if (++this.got === n) {
          this.timer?.cancel();
          done.setResult(undefined);
          return;
        }
        if (this.sent < n) {
          this.sent++;
          this.t.sendto(msg);
        }
        this.arm();
      }
    }
    const [t, c] = yield* loop.createDatagramEndpoint(() => new Client(), {
      remoteAddr: ["127.0.0.1", echo.getExtraInfo("sockname").port],
    });
    const t0 = performance.now();
    for (; c.sent < Math.min(WINDOW, n); c.sent++) t.sendto(msg);
    c.arm();
    yield* done;
    const rate = n / ((performance.now() - t0) / 1000);
    t.close();
    echo.close();
    return rate;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const n = quick ? COUNT / 10 : COUNT;
  if (w) await wasio(w, 2000);
  await native(2000);
  return [
    await compare({
      name: "udp-echo",
      metric: `${n.toLocaleString("en-US")} datagrams of ${SIZE} B through an echo endpoint, window of ${WINDOW}, both ends in one process`,
      unit: "round trips/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, n) },
      b: { label: "Node", fn: () => native(n) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
