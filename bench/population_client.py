#!/usr/bin/env python3
"""The load client of bench/population.sh (standard library only).

  compare SMALL_BASE SMALL_PACER SMALL_TOKENS BIG_BASE BIG_PACER BIG_TOKENS
                              the same two measurements on two servers at once,
                              their requests interleaved (small, big, big, small,
                              …) so that a busy machine slows both alike; prints
                              small_… and big_… key=value lines
  latency BASE PACER TOKENS   login p50 (POST /services/cso-auth of generated,
                              unlinked PACER users) and an authenticated page's
                              p50 (GET /ecf/gamb/bankruptcy as filers linked at
                              gamb), one request at a time; prints key=value lines
  touch BASE TOKENS THREADS   one authenticated request for every session in
                              TOKENS (GET /ecf/{court}/), THREADS at a time;
                              fails unless every one answers 200
"""

import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse

PASSWORD = "Generated-Population-2026"


def connect(base):
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=60)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


def tokens_of(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def latency(base, pacer, tokens_file, logins=300, pages=3000):
    rng = random.Random(11)
    conn = connect(base)
    # Unlinked people: p mod 5 is 3 or 4 (see crates/cli/src/dev.rs).
    people = [p for p in range(3, pacer, 5)] + [p for p in range(4, pacer, 5)]
    times = []
    for n in range(logins + 30):
        user = "genfiler%07d" % rng.choice(people)
        body = json.dumps({"loginId": user, "password": PASSWORD})
        t = time.perf_counter()
        status, data = request(conn, "POST", "/services/cso-auth", body, {"Content-Type": "application/json"})
        dt = time.perf_counter() - t
        answer = json.loads(data)
        if status != 200 or answer.get("loginResult") != "0":
            sys.exit("login of %s failed: %s %s" % (user, status, data[:200]))
        if n >= 30:
            times.append(dt)
        # End the session: the logins measure the hash and the lookups, not a growing table.
        request(conn, "POST", "/services/cso-logout", json.dumps({"nextGenCSO": answer["nextGenCSO"]}),
                {"Content-Type": "application/json"})
    print("login_p50_ms=%.2f" % (statistics.median(times) * 1000))
    print("login_p99_ms=%.2f" % (pct(times, 99) * 1000))
    gamb = [t for t, court, _ in tokens_of(tokens_file) if court == "gamb"]
    if not gamb:
        sys.exit("no session of a filer linked at gamb in " + tokens_file)
    times = []
    for n in range(pages + 300):
        token = rng.choice(gamb)
        t = time.perf_counter()
        status, _ = request(conn, "GET", "/ecf/gamb/bankruptcy", headers={"X-NEXT-GEN-CSO": token})
        dt = time.perf_counter() - t
        if status != 200:
            sys.exit("GET /ecf/gamb/bankruptcy answered %s" % status)
        if n >= 300:
            times.append(dt)
    print("page_p50_ms=%.3f" % (statistics.median(times) * 1000))
    print("page_p99_ms=%.3f" % (pct(times, 99) * 1000))
    print("page_sessions=%d" % len(gamb))


class Target:
    def __init__(self, name, base, pacer, tokens_file, rng):
        self.name = name
        self.conn = connect(base)
        self.people = [p for p in range(3, pacer, 5)] + [p for p in range(4, pacer, 5)]
        self.gamb = [t for t, court, _ in tokens_of(tokens_file) if court == "gamb"]
        if not self.gamb:
            sys.exit("no session of a filer linked at gamb in " + tokens_file)
        self.rng = rng
        self.logins = []
        self.pages = []

    def login(self, keep):
        user = "genfiler%07d" % self.rng.choice(self.people)
        body = json.dumps({"loginId": user, "password": PASSWORD})
        t = time.perf_counter()
        status, data = request(self.conn, "POST", "/services/cso-auth", body, {"Content-Type": "application/json"})
        dt = time.perf_counter() - t
        answer = json.loads(data)
        if status != 200 or answer.get("loginResult") != "0":
            sys.exit("%s: login of %s failed: %s %s" % (self.name, user, status, data[:200]))
        if keep:
            self.logins.append(dt)
        request(self.conn, "POST", "/services/cso-logout", json.dumps({"nextGenCSO": answer["nextGenCSO"]}),
                {"Content-Type": "application/json"})

    def page(self, keep):
        token = self.rng.choice(self.gamb)
        t = time.perf_counter()
        status, _ = request(self.conn, "GET", "/ecf/gamb/bankruptcy", headers={"X-NEXT-GEN-CSO": token})
        dt = time.perf_counter() - t
        if status != 200:
            sys.exit("%s: GET /ecf/gamb/bankruptcy answered %s" % (self.name, status))
        if keep:
            self.pages.append(dt)

    def report(self):
        print("%s_login_p50_ms=%.2f" % (self.name, statistics.median(self.logins) * 1000))
        print("%s_login_p99_ms=%.2f" % (self.name, pct(self.logins, 99) * 1000))
        print("%s_page_p50_ms=%.3f" % (self.name, statistics.median(self.pages) * 1000))
        print("%s_page_p99_ms=%.3f" % (self.name, pct(self.pages, 99) * 1000))
        print("%s_page_sessions=%d" % (self.name, len(self.gamb)))


def compare(small, big, logins=300, pages=3000):
    """ABBA order: neither server always goes first. Every session is used
    once before the pages are measured: a session's first request in a
    minute also records it as seen (a write), which would otherwise fall on
    the measurement of the side with more sessions."""
    rng = random.Random(11)
    a = Target("small", *small, rng)
    b = Target("big", *big, rng)
    for t in (a, b):
        for token in t.gamb:
            status, _ = request(t.conn, "GET", "/ecf/gamb/bankruptcy", headers={"X-NEXT-GEN-CSO": token})
            if status != 200:
                sys.exit("%s: GET /ecf/gamb/bankruptcy answered %s" % (t.name, status))
    for n in range(logins + 30):
        pair = (a, b) if n % 2 == 0 else (b, a)
        for t in pair:
            t.login(n >= 30)
    for n in range(pages + 300):
        pair = (a, b) if n % 2 == 0 else (b, a)
        for t in pair:
            t.page(n >= 300)
    a.report()
    b.report()


def touch(base, tokens_file, threads):
    sessions = tokens_of(tokens_file)
    bad = []
    done = [0]
    lock = threading.Lock()

    def work(part):
        conn = connect(base)
        for token, court, _ in part:
            status, _ = request(conn, "GET", "/ecf/%s/" % court, headers={"X-NEXT-GEN-CSO": token})
            with lock:
                done[0] += 1
                if status != 200:
                    bad.append((court, status))

    t = time.perf_counter()
    workers = [threading.Thread(target=work, args=(sessions[i::threads],)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t
    print("touched=%d" % done[0])
    print("touch_seconds=%.1f" % elapsed)
    if bad:
        sys.exit("%d sessions did not get 200, e.g. %s" % (len(bad), bad[:3]))


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "latency":
        latency(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) >= 8 and sys.argv[1] == "compare":
        compare((sys.argv[2], int(sys.argv[3]), sys.argv[4]), (sys.argv[5], int(sys.argv[6]), sys.argv[7]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "touch":
        touch(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
