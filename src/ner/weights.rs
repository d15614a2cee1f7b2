//! A model's hashed feature weights, stored sparsely.
//!
//! Hashing features into `2^bits` buckets leaves most buckets unused (about
//! 31% of the English model's and 38% of the Indonesian model's 2^18 buckets
//! hold a weight), so a dense table wastes two thirds of its memory: 16.8 MB
//! for the two embedded models against 5.8 MB packed. Only occupied buckets
//! get a block of weights; a bitmap with a rank per 64-bucket word (48 KB for
//! 2^18 buckets, small enough to stay in cache) finds a bucket's block with
//! one popcount, and a lookup of an empty bucket touches no weights at all.

/// Weights of `block` entries per occupied bucket (every stage's row for one
/// bucket, adjacent, so the tagger reads them together).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    block: usize,
    /// Bit `b & 63` of word `b >> 6` is set when bucket `b` has a block.
    occupied: Vec<u64>,
    /// Number of occupied buckets before each word of `occupied`.
    rank: Vec<u32>,
    /// The blocks of the occupied buckets, in bucket order.
    blocks: Vec<i16>,
}

impl Weights {
    /// Builds the table from a bitmap of occupied buckets (`buckets` long)
    /// with every block zero, to be filled through [`Weights::block_mut`].
    pub fn with_occupied(buckets: usize, block: usize, occupied: Vec<u64>) -> Weights {
        debug_assert_eq!(occupied.len(), buckets.div_ceil(64));
        let mut rank = Vec::with_capacity(occupied.len());
        let mut n = 0u32;
        for w in &occupied {
            rank.push(n);
            n += w.count_ones();
        }
        Weights {
            block,
            occupied,
            rank,
            blocks: vec![0; n as usize * block],
        }
    }

    /// Packs a dense table of `block`-long rows, one per bucket.
    pub fn from_dense(dense: &[i16], block: usize) -> Weights {
        let buckets = dense.len() / block;
        let mut occupied = vec![0u64; buckets.div_ceil(64)];
        for (b, row) in dense.chunks_exact(block).enumerate() {
            if row.iter().any(|&w| w != 0) {
                occupied[b >> 6] |= 1 << (b & 63);
            }
        }
        let mut w = Weights::with_occupied(buckets, block, occupied);
        for (b, row) in dense.chunks_exact(block).enumerate() {
            if let Some(dst) = w.block_mut(b) {
                dst.copy_from_slice(row);
            }
        }
        w
    }

    /// Marks `bucket` in a bitmap for [`Weights::with_occupied`].
    pub fn mark(occupied: &mut [u64], bucket: usize) {
        occupied[bucket >> 6] |= 1 << (bucket & 63);
    }

    fn index(&self, bucket: usize) -> Option<usize> {
        let word = *self.occupied.get(bucket >> 6)?;
        let bit = bucket & 63;
        if word >> bit & 1 == 0 {
            return None;
        }
        let below = (word & ((1u64 << bit) - 1)).count_ones();
        Some((self.rank[bucket >> 6] + below) as usize)
    }

    /// The block of `bucket`, or `None` when all its weights are zero.
    #[inline]
    pub fn block(&self, bucket: usize) -> Option<&[i16]> {
        let i = self.index(bucket)?;
        self.blocks.get(i * self.block..(i + 1) * self.block)
    }

    /// The block of an occupied `bucket`, for filling.
    pub fn block_mut(&mut self, bucket: usize) -> Option<&mut [i16]> {
        let i = self.index(bucket)?;
        self.blocks.get_mut(i * self.block..(i + 1) * self.block)
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.occupied.len() * 8 + self.rank.len() * 4 + self.blocks.len() * 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_only_occupied_buckets_and_finds_each() {
        let block = 3;
        let buckets = 200;
        let mut dense = vec![0i16; buckets * block];
        for (b, v) in [(0, 5), (63, -7), (64, 1), (130, 9), (199, 2)] {
            dense[b * block + (b % block)] = v;
        }
        let w = Weights::from_dense(&dense, block);
        assert_eq!(w.blocks.len(), 5 * block);
        for b in 0..buckets {
            let want = &dense[b * block..(b + 1) * block];
            match w.block(b) {
                Some(got) => assert_eq!(got, want, "bucket {b}"),
                None => assert!(want.iter().all(|&x| x == 0), "bucket {b} lost"),
            }
        }
        assert_eq!(w.block(buckets + 64), None, "out of range is empty");
    }
}
