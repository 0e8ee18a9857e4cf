//! slowserver: the tokio twin of tools/go/slowserver.  A TCP server with a
//! slow handler; tokio (through mio) registers every socket
//! EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET and keeps the readiness itself.
//!
//! Each connection carries messages of --size bytes.  For each message the
//! handler reads the first --head bytes, works for --work-ms (a sleep),
//! reads the rest -- with no new edge: it was queued long before -- and
//! echoes the whole message.  The connection ends at the client's EOF.
//!
//! On SIGTERM or SIGINT it prints what it served and exits 0:
//!
//!     served conns=N msgs=N bytes_in=N bytes_out=N digest=HEX
//!
//! digest is the SHA-256 of the sorted hex SHA-256s of the messages, one a
//! line (as tools/go/slowserver and tests/real_client.py compute it).

use std::io::ErrorKind;
use std::process::exit;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};

/// SHA-256 (FIPS 180-4); no hashing crate is among Debian's packaged ones
/// tokio needs, so it is written out here.  The round constants are the
/// first 32 bits of the fractional parts of the cube roots of the first 64
/// primes, the initial state those of the square roots of the first 8: both
/// are computed, and main checks the result on a known digest.
struct Sha256Consts {
    k: [u32; 64],
    h0: [u32; 8],
}

fn sha256_consts() -> Sha256Consts {
    let mut primes = Vec::with_capacity(64);
    let mut n = 2u32;
    while primes.len() < 64 {
        if (2..n).take_while(|d| d * d <= n).all(|d| n % d != 0) {
            primes.push(n);
        }
        n += 1;
    }
    let frac32 = |x: f64| ((x - x.floor()) * 4294967296.0) as u32;
    let mut c = Sha256Consts { k: [0; 64], h0: [0; 8] };
    for (i, &p) in primes.iter().enumerate() {
        c.k[i] = frac32((p as f64).cbrt());
        if i < 8 {
            c.h0[i] = frac32((p as f64).sqrt());
        }
    }
    c
}

fn sha256_hex(c: &Sha256Consts, data: &[u8]) -> String {
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    let mut h = c.h0;
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut cc, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(c.k[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & cc) ^ (b & cc);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = cc;
            cc = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, cc, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{:08x}", x)).collect()
}

#[derive(Default)]
struct Stats {
    conns: u64,
    msgs: u64,
    bytes_in: u64,
    bytes_out: u64,
    sums: Vec<String>,
}

struct Shared {
    stats: Mutex<Stats>,
    sha: Sha256Consts,
}

async fn serve(mut s: TcpStream, sh: Arc<Shared>, head: usize, size: usize, work: Duration) {
    let mut msg = vec![0u8; size];
    loop {
        // One read(2) of head bytes: the rest stays queued in the socket.
        if let Err(e) = s.read_exact(&mut msg[..head]).await {
            if e.kind() != ErrorKind::UnexpectedEof {
                eprintln!("slowserver: read: {}", e);
            }
            return;
        }
        tokio::time::sleep(work).await;
        if let Err(e) = s.read_exact(&mut msg[head..]).await {
            eprintln!("slowserver: read rest: {}", e);
            return;
        }
        let wrote = s.write_all(&msg).await;
        let sum = sha256_hex(&sh.sha, &msg);
        {
            let mut st = sh.stats.lock().unwrap();
            st.msgs += 1;
            st.bytes_in += size as u64;
            if wrote.is_ok() {
                st.bytes_out += size as u64;
            }
            st.sums.push(sum);
        }
        if let Err(e) = wrote {
            eprintln!("slowserver: write: {}", e);
            return;
        }
    }
}

fn report(sh: &Shared) -> String {
    let st = sh.stats.lock().unwrap();
    let mut sums = st.sums.clone();
    sums.sort();
    format!(
        "served conns={} msgs={} bytes_in={} bytes_out={} digest={}",
        st.conns,
        st.msgs,
        st.bytes_in,
        st.bytes_out,
        sha256_hex(&sh.sha, sums.join("\n").as_bytes())
    )
}

fn usage() -> ! {
    eprintln!("usage: slowserver [--addr 127.0.0.1:PORT] [--head N] [--size N] [--work-ms N]");
    exit(2)
}

#[tokio::main]
async fn main() {
    let (mut addr, mut head, mut size, mut work_ms) = ("127.0.0.1:0".to_string(), 10usize, 100usize, 1500u64);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() % 2 != 0 {
        usage();
    }
    for pair in args.chunks(2) {
        let v = &pair[1];
        match pair[0].as_str() {
            "--addr" => addr = v.clone(),
            "--head" => head = v.parse().unwrap_or_else(|_| usage()),
            "--size" => size = v.parse().unwrap_or_else(|_| usage()),
            "--work-ms" => work_ms = v.parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    if head == 0 || head > size {
        usage();
    }
    let sh = Arc::new(Shared { stats: Mutex::new(Stats::default()), sha: sha256_consts() });
    if sha256_hex(&sh.sha, b"abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
        eprintln!("slowserver: SHA-256 self-test failed");
        exit(1);
    }
    let listener = TcpListener::bind(&addr).await.unwrap_or_else(|e| {
        eprintln!("slowserver: {}: {}", addr, e);
        exit(1)
    });
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    let work = Duration::from_millis(work_ms);
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => {
                    sh.stats.lock().unwrap().conns += 1;
                    tokio::spawn(serve(s, sh.clone(), head, size, work));
                }
                Err(e) => {
                    eprintln!("slowserver: accept: {}", e);
                    exit(1);
                }
            },
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    println!("{}", report(&sh));
    exit(0);
}
