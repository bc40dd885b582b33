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

    /// A cursor after the lines held, with at least `room` bytes free.
    pub(crate) fn cursor(&mut self, room: usize) -> Cursor<'_> {
        let mut cursor = Cursor {
            bytes: &mut self.bytes,
            at: self.used,
        };
        cursor.room(room);
        cursor
    }

    /// Keeps what `cursor` wrote as lines.
    pub(crate) fn take(&mut self, at: usize) {
        self.used = at;
    }
}

/// Where the next byte of a line goes. Its writes panic only if the room
/// they rely on was not made, which the line writers make sure of: a line
/// makes room for its bounded values (see [`VALUE_ROOM`]) before it
/// starts, and each unbounded value makes its own.
pub(crate) struct Cursor<'b> {
    bytes: &'b mut Vec<u8>,
    /// The next byte's position in `bytes`.
    pub(crate) at: usize,
}

/// The room every bounded value may take (a number, seconds, an address
/// with port and quotes, TCP flag letters): at most 62 bytes, the longest
/// being an IPv6 socket address with a scope id, quoted.
pub(crate) const VALUE_ROOM: usize = 64;

/// How many bytes [`Cursor::join`] may write at once.
pub(crate) const JOIN_ROOM: usize = 32;

/// A constant text between two values (`,"stream":`), padded so that it
/// is copied as one fixed-size move when it fits [`JOIN_ROOM`].
#[derive(Clone)]
pub(crate) struct Join {
    /// The text, padded with zeros to at least [`JOIN_ROOM`] bytes.
    padded: Box<[u8]>,
    /// The text's length.
    len: usize,
}

impl Join {
    /// `text` as a join.
    pub(crate) fn new(text: &[u8]) -> Self {
        let mut padded = vec![0; text.len().max(JOIN_ROOM)];
        padded[..text.len()].copy_from_slice(text);
        Join {
            padded: padded.into_boxed_slice(),
            len: text.len(),
        }
    }

    /// The room writing it takes.
    pub(crate) fn room(&self) -> usize {
        self.padded.len()
    }
}

impl Cursor<'_> {
    /// Makes sure `n` bytes are free after the cursor.
    #[inline]
    pub(crate) fn room(&mut self, n: usize) {
        if self.bytes.len() - self.at < n {
            self.grow(n);
        }
    }

    #[cold]
    fn grow(&mut self, n: usize) {
        let len = (self.at + n).max(self.bytes.len() * 2);
        self.bytes.resize(len, 0);
    }

    /// One byte.
    #[inline]
    pub(crate) fn put(&mut self, b: u8) {
        self.bytes[self.at] = b;
        self.at += 1;
    }

    /// Some bytes.
    #[inline]
    pub(crate) fn put_slice(&mut self, s: &[u8]) {
        self.bytes[self.at..self.at + s.len()].copy_from_slice(s);
        self.at += s.len();
    }

    /// A join: one fixed-size move when short (the padding after it is
    /// overwritten by what follows, or lies beyond the lines).
    #[inline]
    pub(crate) fn join(&mut self, join: &Join) {
        if let (Some(src), Some(dst)) = (
            join.padded.first_chunk::<JOIN_ROOM>(),
            self.bytes
                .get_mut(self.at..)
                .and_then(|b| b.first_chunk_mut::<JOIN_ROOM>()),
        ) {
            if join.len <= JOIN_ROOM {
                *dst = *src;
                self.at += join.len;
                return;
            }
        }
        self.room(join.room());
        self.put_slice(&join.padded[..join.len]);
    }

    /// The bytes written since `start`, to be looked at or changed in place.
    pub(crate) fn since(&mut self, start: usize) -> &mut [u8] {
        &mut self.bytes[start..self.at]
    }

    /// Goes back to `at` (before a cell that is rewritten quoted).
    pub(crate) fn rewind(&mut self, at: usize) {
        self.at = at;
    }

    /// A decimal number, written in place two digits at a time.
    #[inline]
    pub(crate) fn u64(&mut self, n: u64) {
        let len = n.checked_ilog10().unwrap_or(0) as usize + 1;
        let digits = &mut self.bytes[self.at..self.at + len];
        self.at += len;
        let (mut n, mut end) = (n, len);
        while n >= 100 {
            let pair = (n % 100) as usize * 2;
            n /= 100;
            digits[end - 2..end].copy_from_slice(&PAIRS[pair..pair + 2]);
            end -= 2;
        }
        if n >= 10 {
            let pair = n as usize * 2;
            digits[..2].copy_from_slice(&PAIRS[pair..pair + 2]);
        } else {
            digits[0] = b'0' + n as u8;
        }
    }

    /// A number below `10^width`, zero-padded to `width` digits.
    pub(crate) fn padded(&mut self, mut n: u64, width: usize) {
        let digits = &mut self.bytes[self.at..self.at + width];
        self.at += width;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }

    /// An IPv4 address's octet: its digits copied from a table, as one
    /// 4-byte move (the byte after the digits is overwritten next).
    #[inline]
    pub(crate) fn octet(&mut self, octet: u8) {
        let entry = &OCTETS[usize::from(octet)];
        if self.bytes.len() - self.at < entry.len() {
            self.grow(entry.len());
        }
        if let Some(dst) = self
            .bytes
            .get_mut(self.at..)
            .and_then(|b| b.first_chunk_mut::<4>())
        {
            *dst = *entry;
            self.at += usize::from(entry[3]);
        }
    }
}

/// Text formatted straight into the line (IPv6 addresses, error messages).
impl std::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.room(s.len());
        self.put_slice(s.as_bytes());
        Ok(())
    }
}

/// `"00" "01" ... "99"`.
const PAIRS: [u8; 200] = {
    let mut pairs = [0; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
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

    fn spelt(write: impl FnOnce(&mut Cursor<'_>)) -> String {
        let mut block = Block::new(0);
        let mut cursor = block.cursor(VALUE_ROOM + JOIN_ROOM);
        write(&mut cursor);
        let at = cursor.at;
        block.take(at);
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
    fn octets_and_joins_write_only_their_own_bytes() {
        for o in 0..=255u8 {
            assert_eq!(
                spelt(|c| {
                    c.octet(o);
                    c.put(b'.')
                }),
                format!("{o}.")
            );
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
        let at = cursor.at;
        block.take(at);
        assert_eq!(block.len(), 10_002);
        assert_eq!(&block.lines()[..3], b"abc");
    }
}
