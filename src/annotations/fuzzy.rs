//! Approximate string matching over characters, for finding a highlighted
//! passage again after its text was slightly edited.
//!
//! This is Myers' bit-parallel edit-distance algorithm (1999) in its multi-word
//! form, run over Unicode scalar values. The crates that implement it work on
//! bytes (so an accented letter would count as two edits) or pull in a whole
//! bioinformatics library, so the hundred lines needed are written here.

use std::collections::HashMap;

/// A pattern prepared for bit-parallel matching: one bit mask per pattern
/// character and 64-row block, saying where that character occurs.
pub(crate) struct Pattern {
    len: usize,
    blocks: usize,
    ascii: [u32; 128],
    other: HashMap<char, u32>,
    peq: Vec<u64>,
    last_bit: u64,
}

const NONE: u32 = u32::MAX;

impl Pattern {
    /// Prepares `chars`; an empty pattern matches everywhere at distance 0.
    pub(crate) fn new(chars: &[char]) -> Self {
        let len = chars.len();
        let blocks = len.div_ceil(64).max(1);
        let mut ascii = [NONE; 128];
        let mut other = HashMap::new();
        let mut peq: Vec<u64> = Vec::new();
        for (row, &c) in chars.iter().enumerate() {
            let slot = if (c as u32) < 128 {
                &mut ascii[c as usize]
            } else {
                other.entry(c).or_insert(NONE)
            };
            if *slot == NONE {
                *slot = (peq.len() / blocks) as u32;
                peq.extend(std::iter::repeat_n(0, blocks));
            }
            let base = *slot as usize * blocks;
            if let Some(mask) = peq.get_mut(base + row / 64) {
                *mask |= 1u64 << (row % 64);
            }
        }
        let last_bit = if len == 0 {
            0
        } else {
            1u64 << ((len - 1) % 64)
        };
        Self {
            len,
            blocks,
            ascii,
            other,
            peq,
            last_bit,
        }
    }

    /// Number of characters in the pattern.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Number of 64-bit words processed per text character: the unit of work.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks
    }

    fn masks(&self, c: char) -> Option<&[u64]> {
        let slot = if (c as u32) < 128 {
            self.ascii[c as usize]
        } else {
            self.other.get(&c).copied().unwrap_or(NONE)
        };
        if slot == NONE {
            return None;
        }
        let base = slot as usize * self.blocks;
        self.peq.get(base..base + self.blocks)
    }
}

/// One column of the edit-distance matrix, advanced a text character at a
/// time. `score` is the distance between the whole pattern and the best text
/// substring ending here (search) or the whole text read so far (global).
pub(crate) struct Columns<'p> {
    pattern: &'p Pattern,
    pv: Vec<u64>,
    mv: Vec<u64>,
    score: usize,
    global: bool,
}

impl<'p> Columns<'p> {
    /// `global` false: the match may start anywhere in the text (searching).
    /// `global` true: the match must start at the text's first character.
    pub(crate) fn new(pattern: &'p Pattern, global: bool) -> Self {
        Self {
            pattern,
            pv: vec![u64::MAX; pattern.blocks],
            mv: vec![0; pattern.blocks],
            score: pattern.len,
            global,
        }
    }

    /// Reads one more text character and returns the new score.
    pub(crate) fn step(&mut self, c: char) -> usize {
        if self.pattern.len == 0 {
            if self.global {
                self.score += 1;
            }
            return self.score;
        }
        let masks = self.pattern.masks(c);
        let last = self.pattern.blocks - 1;
        let mut hin: i8 = i8::from(self.global);
        for (b, (pv, mv)) in self.pv.iter_mut().zip(self.mv.iter_mut()).enumerate() {
            let eq = masks.and_then(|m| m.get(b)).copied().unwrap_or(0);
            let high = if b == last {
                self.pattern.last_bit
            } else {
                1u64 << 63
            };
            let xv = eq | *mv;
            let eq = if hin < 0 { eq | 1 } else { eq };
            let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
            let mut ph = *mv | !(xh | *pv);
            let mut mh = *pv & xh;
            let hout: i8 = if ph & high != 0 {
                1
            } else if mh & high != 0 {
                -1
            } else {
                0
            };
            ph <<= 1;
            mh <<= 1;
            if hin < 0 {
                mh |= 1;
            } else if hin > 0 {
                ph |= 1;
            }
            *pv = mh | !(xv | ph);
            *mv = ph & xv;
            hin = hout;
        }
        match hin {
            1 => self.score += 1,
            -1 => self.score = self.score.saturating_sub(1),
            _ => {}
        }
        self.score
    }
}

/// Edit distance between `a` and the best-matching prefix of `b` (all of `a`
/// must be used, `b` may be cut short): how well stored context text matches
/// the text next to a candidate, when edits may have shifted it.
pub(crate) fn prefix_distance(a: &[char], b: &[char]) -> usize {
    let pattern = Pattern::new(a);
    let mut columns = Columns::new(&pattern, true);
    let mut best = a.len();
    for &c in b {
        best = best.min(columns.step(c));
    }
    best
}

/// Levenshtein distance between `a` and `b`.
pub(crate) fn edit_distance(a: &[char], b: &[char]) -> usize {
    let pattern = Pattern::new(a);
    let mut columns = Columns::new(&pattern, true);
    let mut distance = a.len();
    for &c in b {
        distance = columns.step(c);
    }
    distance
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_search(p: &[char], t: &[char]) -> Vec<usize> {
        // D[i][j] with free start in t.
        let mut prev: Vec<usize> = (0..=p.len()).collect();
        let mut out = Vec::new();
        for &c in t {
            let mut cur = vec![0; p.len() + 1];
            for i in 1..=p.len() {
                let sub = prev[i - 1] + usize::from(p[i - 1] != c);
                cur[i] = sub.min(prev[i] + 1).min(cur[i - 1] + 1);
            }
            out.push(cur[p.len()]);
            prev = cur;
        }
        out
    }

    fn naive_global(p: &[char], t: &[char]) -> Vec<usize> {
        let mut prev: Vec<usize> = (0..=p.len()).collect();
        let mut out = Vec::new();
        for (j, &c) in t.iter().enumerate() {
            let mut cur = vec![j + 1; p.len() + 1];
            for i in 1..=p.len() {
                let sub = prev[i - 1] + usize::from(p[i - 1] != c);
                cur[i] = sub.min(prev[i] + 1).min(cur[i - 1] + 1);
            }
            out.push(cur[p.len()]);
            prev = cur;
        }
        out
    }

    fn run(p: &[char], t: &[char], global: bool) -> Vec<usize> {
        let pattern = Pattern::new(p);
        let mut columns = Columns::new(&pattern, global);
        t.iter().map(|&c| columns.step(c)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn matches_naive_dp(p in "[abé ]{0,150}", t in "[abéc ]{0,200}") {
            let p: Vec<char> = p.chars().collect();
            let t: Vec<char> = t.chars().collect();
            prop_assert_eq!(run(&p, &t, false), naive_search(&p, &t));
            prop_assert_eq!(run(&p, &t, true), naive_global(&p, &t));
        }
    }

    #[test]
    fn finds_a_near_match() {
        let p: Vec<char> = "approximate".chars().collect();
        let t: Vec<char> = "an aproximate match".chars().collect();
        let scores = run(&p, &t, false);
        assert_eq!(scores.iter().min(), Some(&1));
    }

    #[test]
    fn prefix_distance_allows_a_cut_short_text() {
        let a: Vec<char> = "hello".chars().collect();
        let b: Vec<char> = "hallo world".chars().collect();
        assert_eq!(prefix_distance(&a, &b), 1);
        assert_eq!(prefix_distance(&a, &[]), 5);
        assert_eq!(edit_distance(&a, &b), 7);
    }
}
