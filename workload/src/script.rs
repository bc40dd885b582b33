//! The segments of one connection, for each way a connection can end.

/// Who sends a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The client.
    Client,
    /// The server.
    Server,
}

/// One segment of a connection's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Sender.
    pub sender: Sender,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number, when ACK is set.
    pub ack: Option<u32>,
    /// SYN flag.
    pub syn: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// Payload length.
    pub len: u32,
}

/// How a connection ends (and, for two kinds, begins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Client closes first, the server's FIN carries the ACK.
    Fin3Client,
    /// Server closes first, three segments.
    Fin3Server,
    /// Client closes first, four segments.
    Fin4Client,
    /// Server closes first, four segments.
    Fin4Server,
    /// The client aborts with RST.
    RstClient,
    /// The server aborts with RST.
    RstServer,
    /// The SYN is answered by RST.
    Refused,
    /// The client's RST is lost: the server keeps sending, each answered by RST.
    LostRst,
    /// The client shuts down writing; the server sends more, then closes.
    HalfClose,
    /// Both FINs cross.
    Simultaneous,
    /// Picked up after the handshake, closed with four segments.
    Midstream,
    /// Never ends: a handshake and one exchange of data, then silence (the
    /// connection is still open when the capture ends). Not drawn; see
    /// `WorkloadConfig::left_open`.
    Open,
}

impl Ending {
    /// Every ending, in the proportions the generator draws them.
    pub const ALL: [Ending; 14] = [
        Ending::Fin3Client,
        Ending::Fin3Client,
        Ending::Fin3Server,
        Ending::Fin3Server,
        Ending::Fin4Client,
        Ending::Fin4Server,
        Ending::Fin4Server,
        Ending::RstClient,
        Ending::RstServer,
        Ending::Refused,
        Ending::LostRst,
        Ending::HalfClose,
        Ending::Simultaneous,
        Ending::Midstream,
    ];
}

struct Builder {
    steps: Vec<Step>,
    c: u32,
    s: u32,
}

impl Builder {
    fn push(&mut self, sender: Sender, syn: bool, fin: bool, rst: bool, ack: bool, len: u32) {
        let (seq, peer) = match sender {
            Sender::Client => (self.c, self.s),
            Sender::Server => (self.s, self.c),
        };
        self.steps.push(Step {
            sender,
            seq,
            ack: ack.then_some(peer),
            syn,
            fin,
            rst,
            len,
        });
        let advance = len + u32::from(syn) + u32::from(fin);
        match sender {
            Sender::Client => self.c = self.c.wrapping_add(advance),
            Sender::Server => self.s = self.s.wrapping_add(advance),
        }
    }
    fn data(&mut self, sender: Sender, len: u32) {
        self.push(sender, false, false, false, true, len);
    }
    fn ack(&mut self, sender: Sender) {
        self.push(sender, false, false, false, true, 0);
    }
    fn fin(&mut self, sender: Sender) {
        self.push(sender, false, true, false, true, 0);
    }
    fn rst(&mut self, sender: Sender) {
        self.push(sender, false, false, true, true, 0);
    }
}

/// The segments of a connection that ends as `ending`.
pub fn steps(ending: Ending, rng: &mut fastrand::Rng) -> Vec<Step> {
    use Sender::{Client as C, Server as S};
    let mut b = Builder {
        steps: Vec::with_capacity(16),
        c: rng.u32(..),
        s: rng.u32(..),
    };
    if ending == Ending::Refused {
        b.push(C, true, false, false, false, 0);
        b.s = 0;
        b.rst(S);
        return b.steps;
    }
    if ending != Ending::Midstream {
        b.push(C, true, false, false, false, 0);
        b.push(S, true, false, false, true, 0);
        b.ack(C);
    }
    let exchanges = if ending == Ending::Open {
        1
    } else {
        rng.u32(1..=3)
    };
    for _ in 0..exchanges {
        b.data(C, rng.u32(20..400));
        b.ack(S);
        b.data(S, rng.u32(20..1400));
        b.ack(C);
    }
    if ending == Ending::Open {
        return b.steps;
    }
    match ending {
        Ending::Fin3Client | Ending::Fin3Server => {
            let (a, p) = if ending == Ending::Fin3Client {
                (C, S)
            } else {
                (S, C)
            };
            b.fin(a);
            b.fin(p);
            b.ack(a);
        }
        Ending::Fin4Client | Ending::Fin4Server | Ending::Midstream => {
            let (a, p) = if ending == Ending::Fin4Server {
                (S, C)
            } else {
                (C, S)
            };
            b.fin(a);
            b.ack(p);
            b.fin(p);
            b.ack(a);
        }
        Ending::RstClient => b.rst(C),
        Ending::RstServer => b.rst(S),
        Ending::LostRst => {
            b.rst(C);
            for _ in 0..2 {
                b.data(S, 100);
                b.rst(C);
            }
        }
        Ending::HalfClose => {
            b.fin(C);
            b.ack(S);
            for _ in 0..2 {
                b.data(S, rng.u32(20..1400));
                b.ack(C);
            }
            b.fin(S);
            b.ack(C);
        }
        Ending::Simultaneous => {
            // Both FINs leave before either arrives: each acks only data.
            let client_fin_ack = b.s;
            b.fin(C);
            let server_fin = Step {
                sender: S,
                seq: b.s,
                ack: Some(b.c.wrapping_sub(1)),
                syn: false,
                fin: true,
                rst: false,
                len: 0,
            };
            let _ = client_fin_ack;
            b.steps.push(server_fin);
            b.s = b.s.wrapping_add(1);
            b.ack(C);
            b.ack(S);
        }
        Ending::Refused | Ending::Open => unreachable!("handled above"),
    }
    b.steps
}
