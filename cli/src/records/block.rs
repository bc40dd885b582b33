//! The block lines are spelled into, and the cursor that spells them: room
//! is made once per line (each bounded value then writes without asking),
//! and only values of unbounded length (text) make room for themselves.

/// Lines not yet written out. The bytes are always initialised to their
/// full length; `used` of them hold lines, the rest is room.
pub(crate) struct Block {
    bytes: Vec<u8>,
    used: usize,
}

impl Block {
    /// An empty block with `room` bytes ready.
    pub(crate) fn new(room: usize) -> Self {
        Block {
            bytes: vec![0; room],
            used: 0,
        }
    }

    /// The lines held.
    pub(crate) fn lines(&self) -> &[u8] {
        &self.bytes[..self.used]
    }

    /// How many bytes of lines are held.
    pub(crate) fn len(&self) -> usize {
        self.used
    }

    /// Forgets the lines held (after they went out); the room stays.
    pub(crate) fn clear(&mut self) {
        self.used = 0;
    }

    /// Forgets the lines held past `len` bytes.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.used = self.used.min(len);
    }

    /// A cursor after the lines held, with at least `room` bytes free. It
    /// holds the bytes (so that their address and length stay in
    /// registers while a line is spelled) until [`Block::keep`] takes
    /// them back.
    #[inline]
    pub(crate) fn cursor(&mut self, room: usize) -> Cursor {
        let mut cursor = Cursor {
            bytes: std::mem::take(&mut self.bytes),
            at: self.used,
        };
        cursor.room(room);
        cursor
    }

    /// Takes the bytes back from `cursor`, and keeps what it wrote.
    #[inline]
    pub(crate) fn keep(&mut self, cursor: Cursor) {
        self.bytes = cursor.bytes;
        self.used = cursor.at;
    }
}

/// Where the next byte of a line goes. Its writes panic only if the room
/// they rely on was not made, which the line writers make sure of: a line
/// makes room for its bounded values (see [`VALUE_ROOM`]) before it
/// starts, and each unbounded value makes its own.
pub(crate) struct Cursor {
    bytes: Vec<u8>,
    /// The next byte's position in `bytes`.
    pub(crate) at: usize,
}

/// The room every bounded value may take (a number, seconds, an address
/// with port and quotes, TCP flag letters): at most 62 bytes, the longest
/// being an IPv6 socket address with a scope id, quoted.
pub(crate) const VALUE_ROOM: usize = 64;

/// How many bytes [`Cursor::join`] may write at once.
pub(crate) const JOIN_ROOM: usize = 32;

/// A constant text between two values (`,"stream":`), held so that it is
/// copied as one fixed-size move when it fits [`JOIN_ROOM`].
#[derive(Clone)]
pub(crate) struct Join {
    /// The text when short, padded with zeros.
    short: [u8; JOIN_ROOM],
    /// The text's length.
    len: usize,
    /// The text when longer than [`JOIN_ROOM`].
    long: Option<Box<[u8]>>,
}

impl Join {
    /// `text` as a join.
    pub(crate) fn new(text: &[u8]) -> Self {
        let mut short = [0; JOIN_ROOM];
        let long = match short.get_mut(..text.len()) {
            Some(head) => {
                head.copy_from_slice(text);
                None
            }
            None => Some(text.into()),
        };
        Join {
            short,
            len: text.len(),
            long,
        }
    }

    /// The room writing it takes.
    pub(crate) fn room(&self) -> usize {
        self.len.max(JOIN_ROOM)
    }

    /// Its text's length.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl Cursor {
    /// Makes sure `n` bytes are free after the cursor.
    #[inline(always)]
    pub(crate) fn room(&mut self, n: usize) {
        if self.bytes.len() - self.at < n {
            self.grow(n);
        }
    }

    /// Makes room: the bytes go to the cold path and back by value, so
    /// that the cursor's address never leaves the line being spelled and
    /// the compiler keeps its fields in registers.
    #[inline(always)]
    fn grow(&mut self, n: usize) {
        self.bytes = grown(std::mem::take(&mut self.bytes), self.at + n);
    }

    /// Runs `f`, a cold path (escapes, IPv6, formatted text), on a cursor
    /// moved out and back, for the same reason as [`Cursor::grow`].
    #[inline(always)]
    pub(crate) fn detour(&mut self, f: impl FnOnce(&mut Cursor)) {
        let mut moved = Cursor {
            bytes: std::mem::take(&mut self.bytes),
            at: self.at,
        };
        f(&mut moved);
        *self = moved;
    }

    /// One byte.
    #[inline(always)]
    pub(crate) fn put(&mut self, b: u8) {
        self.bytes[self.at] = b;
        self.at += 1;
    }

    /// Some bytes.
    #[inline(always)]
    pub(crate) fn put_slice(&mut self, s: &[u8]) {
        self.bytes[self.at..self.at + s.len()].copy_from_slice(s);
        self.at += s.len();
    }

    /// A join: one fixed-size move when short (the padding after it is
    /// overwritten by what follows, or lies beyond the lines).
    #[inline(always)]
    pub(crate) fn join(&mut self, join: &Join) {
        match &join.long {
            None => {
                *self.window::<JOIN_ROOM>() = join.short;
                self.at += join.len;
            }
            Some(long) => {
                self.room(long.len());
                self.put_slice(long);
            }
        }
    }

    /// The bytes written since `start`, to be looked at or changed in place.
    pub(crate) fn since(&mut self, start: usize) -> &mut [u8] {
        &mut self.bytes[start..self.at]
    }

    /// Goes back to `at` (before a cell that is rewritten quoted).
    pub(crate) fn rewind(&mut self, at: usize) {
        self.at = at;
    }

    /// A window of `N` bytes at the cursor, made when missing (the line
    /// made it already, but for a broken promise).
    #[inline(always)]
    fn window<const N: usize>(&mut self) -> &mut [u8; N] {
        if self.bytes.len().saturating_sub(self.at) < N {
            self.grow(N);
        }
        // SAFETY: the check above, or `grow` (which makes the length at
        // least `at + N`), leaves `at + N <= len`: the N bytes from `at`
        // are initialised bytes of the Vec, borrowed mutably through
        // `self` for the window's life. One check instead of the three a
        // checked slice takes (this runs ~30 times a line).
        unsafe { &mut *self.bytes.as_mut_ptr().add(self.at).cast::<[u8; N]>() }
    }

    /// The first `len` bytes of `padded`, copied as one move.
    #[inline]
    pub(crate) fn copy_padded(&mut self, padded: &[u8; 16], len: usize) {
        *self.window::<16>() = *padded;
        self.at += len.min(16);
    }

    /// `len` bytes (8 to 16) given as their first and their last 8, which
    /// overlap when `len` is below 16.
    #[inline(always)]
    pub(crate) fn two_words(&mut self, head: u64, tail: u64, len: usize) {
        let window = self.window::<16>();
        let tail_at = len.saturating_sub(8).min(8);
        window[..8].copy_from_slice(&head.to_le_bytes());
        window[tail_at..tail_at + 8].copy_from_slice(&tail.to_le_bytes());
        self.at += tail_at + 8;
    }

    /// `len` bytes (4 to 8) given as their first and their last 4.
    #[inline(always)]
    pub(crate) fn two_half_words(&mut self, head: u32, tail: u32, len: usize) {
        let window = self.window::<8>();
        let tail_at = len.saturating_sub(4).min(4);
        window[..4].copy_from_slice(&head.to_le_bytes());
        window[tail_at..tail_at + 4].copy_from_slice(&tail.to_le_bytes());
        self.at += tail_at + 4;
    }

    /// A decimal number, written in place two digits at a time.
    #[inline(always)]
    pub(crate) fn u64(&mut self, n: u64) {
        let len = decimal_len(n);
        let digits = self.window::<20>();
        let (mut n, mut end) = (n, len);
        while n >= 100 {
            let pair = PAIRS[(n % 100) as usize];
            n /= 100;
            end -= 2;
            digits[end] = pair[0];
            digits[end + 1] = pair[1];
        }
        if n >= 10 {
            let pair = PAIRS[n as usize];
            digits[0] = pair[0];
            digits[1] = pair[1];
        } else {
            digits[0] = b'0' + n as u8;
        }
        self.at += len;
    }

    /// A number below `10^width`, zero-padded to `width` digits.
    #[inline(always)]
    pub(crate) fn padded(&mut self, mut n: u64, width: usize) {
        let digits = &mut self.bytes[self.at..self.at + width];
        self.at += width;
        let mut end = width;
        while end >= 2 {
            let pair = PAIRS[(n % 100) as usize];
            n /= 100;
            end -= 2;
            digits[end] = pair[0];
            digits[end + 1] = pair[1];
        }
        if end == 1 {
            digits[0] = b'0' + (n % 10) as u8;
        }
    }

    /// An IPv4 address, dotted: each octet's digits copied from a table as
    /// one 4-byte move at its place in a 20-byte window (the byte after
    /// the digits is overwritten next).
    #[inline(always)]
    pub(crate) fn ipv4(&mut self, octets: [u8; 4]) {
        let window = self.window::<20>();
        let mut len = 0;
        for (i, octet) in octets.into_iter().enumerate() {
            // `len` is at most 12 here; the mask tells the compiler that the
            // four bytes fit the window.
            let at = len & 15;
            let entry = OCTETS[usize::from(octet)];
            window[at..at + 4].copy_from_slice(&entry);
            len = at + usize::from(entry[3]);
            if i < 3 {
                window[len & 15] = b'.';
                len += 1;
            }
        }
        self.at += len;
    }
}

/// `bytes` grown to at least `need` bytes (at least doubled).
#[cold]
#[inline(never)]
fn grown(mut bytes: Vec<u8>, need: usize) -> Vec<u8> {
    let len = need.max(bytes.len() * 2);
    bytes.resize(len, 0);
    bytes
}

/// How many decimal digits `n` has: a guess from its bit length
/// (log10(2) ~ 1233/4096), corrected by one comparison.
#[inline]
fn decimal_len(n: u64) -> usize {
    const POWERS: [u64; 20] = {
        let mut powers = [0; 20];
        let mut i = 1;
        let mut p = 1u64;
        while i < 20 {
            p *= 10;
            powers[i] = p;
            i += 1;
        }
        powers
    };
    let bits = 64 - (n | 1).leading_zeros();
    let guess = ((bits * 1233) >> 12) as usize;
    // Zero at index 0: 0 to 9 have one digit.
    guess.min(19) + usize::from(n >= POWERS[guess.min(19)])
}

/// Text formatted straight into the line (IPv6 addresses, error messages).
impl std::fmt::Write for Cursor {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.room(s.len());
        self.put_slice(s.as_bytes());
        Ok(())
    }
}

/// `"00" "01" ... "99"`.
const PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

/// Each octet's digits, then (in the last byte) how many there are.
const OCTETS: [[u8; 4]; 256] = {
    let mut octets = [[0; 4]; 256];
    let mut i = 0;
    while i < 256 {
        let (h, t, u) = ((i / 100) as u8, (i / 10 % 10) as u8, (i % 10) as u8);
        octets[i] = if h > 0 {
            [b'0' + h, b'0' + t, b'0' + u, 3]
        } else if t > 0 {
            [b'0' + t, b'0' + u, 0, 2]
        } else {
            [b'0' + u, 0, 0, 1]
        };
        i += 1;
    }
    octets
};

#[cfg(test)]
mod tests {
    use super::*;

    fn spelt(write: impl FnOnce(&mut Cursor)) -> String {
        let mut block = Block::new(0);
        let mut cursor = block.cursor(VALUE_ROOM + JOIN_ROOM);
        write(&mut cursor);
        block.keep(cursor);
        String::from_utf8(block.lines().to_vec()).unwrap()
    }

    #[test]
    fn numbers_are_spelled_as_display_spells_them() {
        let mut values = vec![0, 1, 9, 10, 99, 100, 101, 999, 1000, u64::MAX, u64::MAX - 1];
        for p in 0..20 {
            let ten = 10u64.pow(p);
            values.extend([ten - 1, ten, ten + 1, ten.wrapping_mul(3) + 7]);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for n in values {
            assert_eq!(spelt(|c| c.u64(n)), n.to_string());
        }
        assert_eq!(spelt(|c| c.padded(42, 9)), "000000042");
        assert_eq!(spelt(|c| c.padded(0, 6)), "000000");
    }

    #[test]
    fn addresses_and_joins_write_only_their_own_bytes() {
        for o in 0..=255u8 {
            for octets in [
                [o, 0, 10, 255],
                [1, o, 100, 9],
                [255, 255, o, 255],
                [9, 99, 1, o],
            ] {
                assert_eq!(
                    spelt(|c| {
                        c.ipv4(octets);
                        c.put(b':')
                    }),
                    format!("{}:", std::net::Ipv4Addr::from(octets))
                );
            }
        }
        let short = Join::new(b",\"stream\":");
        let long = Join::new(&[b'k'; 40]);
        assert_eq!(
            spelt(|c| {
                c.join(&short);
                c.join(&long);
                c.join(&short);
            }),
            format!(",\"stream\":{},\"stream\":", "k".repeat(40))
        );
    }

    #[test]
    fn room_grows_and_keeps_what_was_written() {
        let mut block = Block::new(4);
        let mut cursor = block.cursor(2);
        cursor.put_slice(b"ab");
        cursor.room(10_000);
        cursor.put_slice(&[b'c'; 10_000]);
        block.keep(cursor);
        assert_eq!(block.len(), 10_002);
        assert_eq!(&block.lines()[..3], b"abc");
    }
}
