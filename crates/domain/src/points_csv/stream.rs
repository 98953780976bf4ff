//! `--counts` on a file, block by block: one thread reads the file into a few reused
//! buffers of whole lines, worker threads parse each block as it arrives (the [`fast`]
//! reading, line for line) and count its points. All of it starts before the index
//! exists: while the caller loads and indexes the communes, the workers keep the points
//! they parse, and count them once [`StreamedCounts::finish`] hands them the index.
//! Nothing holds the whole file nor all its points, and the buffers stay warm in the
//! cache instead of a fresh copy of the whole file being faulted in.
//!
//! It reads only what [`fast`] reads, with the same layout as the whole-file path; on
//! anything else (an empty file, a quote, a line the fast path gives up on, a read error)
//! it answers `None` and the caller reads the file again the usual way, which gives the
//! usual answer or error.

use std::{
    io::{self, Read},
    num::NonZeroUsize,
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc, Arc, Condvar, Mutex,
    },
    thread,
};

use super::{detect_layout, fast, PointsLayout};
use crate::CommuneIndex;

/// Bytes read per block: a few blocks in flight fit in the processors' caches.
const BLOCK_SIZE: usize = 512 * 1024;
/// Blocks read ahead of the workers.
const QUEUE: usize = 4;

/// Splits a reader into blocks of whole lines.
#[derive(Debug)]
struct LineBlocks<R> {
    reader: R,
    /// The start of a line read with the previous block, which goes first in the next.
    carry: Vec<u8>,
    block_size: usize,
    done: bool,
}

impl<R: Read> LineBlocks<R> {
    fn new(reader: R, block_size: usize) -> LineBlocks<R> {
        LineBlocks {
            reader,
            carry: Vec::new(),
            block_size: block_size.max(1),
            done: false,
        }
    }

    /// Replaces the content of `block` by the next lines: about `block_size` bytes cut
    /// after the last `\n` (the rest goes first in the next block), longer when a line
    /// is; the last block is the rest of the input, final newline or not. `false` once
    /// the input is exhausted (and `block` empty). Every byte comes out once, in order.
    fn next_block(&mut self, block: &mut Vec<u8>) -> io::Result<bool> {
        block.clear();
        block.append(&mut self.carry);
        // How much of `block` is known to hold no `\n`.
        let mut searched = 0;
        loop {
            if self.done {
                return Ok(!block.is_empty());
            }
            if block.len() >= self.block_size {
                if let Some(last) = memchr::memrchr(b'\n', &block[searched..]) {
                    let cut = searched + last + 1;
                    self.carry.extend_from_slice(&block[cut..]);
                    block.truncate(cut);
                    return Ok(true);
                }
                searched = block.len();
            }
            // Up to the block size, or one more block's worth for a longer line.
            let wanted = if block.len() < self.block_size {
                self.block_size - block.len()
            } else {
                self.block_size
            };
            block.reserve(wanted);
            // `take` + `read_to_end` reads into the spare capacity without zeroing it
            // first, and retries interrupted reads.
            let read = (&mut self.reader).take(wanted as u64).read_to_end(block)?;
            if read < wanted {
                self.done = true;
            }
        }
    }
}

/// Where the workers find the index.
#[derive(Debug, Default)]
struct IndexSlot {
    state: Mutex<IndexState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
enum IndexState {
    #[default]
    Building,
    Ready(Arc<CommuneIndex>),
    /// The caller will never give one: stop.
    Abandoned,
}

impl IndexSlot {
    fn set(&self, state: IndexState) {
        if let Ok(mut current) = self.state.lock() {
            if matches!(*current, IndexState::Building) {
                *current = state;
            }
        }
        self.changed.notify_all();
    }

    /// The index if it is there already.
    fn peek(&self) -> Option<Arc<CommuneIndex>> {
        match &*self.state.lock().ok()? {
            IndexState::Ready(index) => Some(Arc::clone(index)),
            _ => None,
        }
    }

    /// The index once it is there; `None` when abandoned.
    fn wait(&self) -> Option<Arc<CommuneIndex>> {
        let mut state = self.state.lock().ok()?;
        loop {
            match &*state {
                IndexState::Ready(index) => return Some(Arc::clone(index)),
                IndexState::Abandoned => return None,
                IndexState::Building => state = self.changed.wait(state).ok()?,
            }
        }
    }
}

/// Points per commune of a points file, read, parsed and counted on threads of their
/// own from [`start`](Self::start) on; [`finish`](Self::finish) gives them the index and
/// the counts. Dropped without `finish`, the threads stop.
#[derive(Debug)]
pub struct StreamedCounts {
    slot: Arc<IndexSlot>,
    reading: Option<thread::JoinHandle<Option<Vec<u64>>>>,
}

impl StreamedCounts {
    /// Starts reading `reader` (a points file, header and BOM allowed) and counting its
    /// points as soon as there is an index.
    pub fn start(reader: impl Read + Send + 'static) -> StreamedCounts {
        StreamedCounts::with_block_size(reader, BLOCK_SIZE)
    }

    fn with_block_size(reader: impl Read + Send + 'static, block_size: usize) -> StreamedCounts {
        let slot = Arc::new(IndexSlot::default());
        let reading = {
            let slot = Arc::clone(&slot);
            thread::spawn(move || read_and_count(LineBlocks::new(reader, block_size), &slot))
        };
        StreamedCounts {
            slot,
            reading: Some(reading),
        }
    }

    /// The points per commune of `index` (in its order) and outside every commune, as
    /// [`assign_points`](super::assign_points) counts them; `None` when the file must be
    /// read the usual way (see the module docs).
    #[must_use]
    pub fn finish(mut self, index: Arc<CommuneIndex>) -> Option<(Vec<u64>, u64)> {
        self.slot.set(IndexState::Ready(index));
        let mut counts = self.reading.take()?.join().ok()??;
        let outside = counts.pop()?;
        Some((counts, outside))
    }
}

impl Drop for StreamedCounts {
    fn drop(&mut self) {
        self.slot.set(IndexState::Abandoned);
    }
}

/// The reading thread: the layout from the first block, then every block to the workers.
/// Counts per commune with the points outside last, or `None` to read the usual way.
fn read_and_count(mut lines: LineBlocks<impl Read>, slot: &IndexSlot) -> Option<Vec<u64>> {
    let mut first = Vec::with_capacity(lines.block_size);
    if !lines.next_block(&mut first).ok()? {
        return None;
    }
    let bom = if first.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    };
    let input = &first[bom..];
    // A quote anywhere (in a header, where only it is allowed) could make the csv
    // reader's first record run past this block: the whole-file path decides then.
    if memchr::memchr(b'"', input).is_some() {
        return None;
    }
    // The first block holds the first line and the first record (unquoted, so within
    // one line), all `detect_layout` reads.
    let layout = detect_layout(input).ok()?;
    let body_start = first.len() - fast::body(input, layout).len();

    let workers = thread::available_parallelism().map_or(2, NonZeroUsize::get);
    let (blocks, queue) = mpsc::sync_channel::<(Vec<u8>, usize)>(QUEUE);
    // Shared by the workers alone: should they all stop, the queue goes with them and
    // the reader's next send fails instead of waiting for ever.
    let queue = Arc::new(Mutex::new(queue));
    let (free, freed) = mpsc::channel::<Vec<u8>>();
    let failed = AtomicBool::new(false);
    thread::scope(|scope| {
        let counting: Vec<_> = (0..workers)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let (free, failed) = (&free, &failed);
                scope.spawn(move || count_blocks(&queue, free, layout, slot, failed))
            })
            .collect();
        drop(queue);
        let mut block = first;
        let mut start = body_start;
        loop {
            if blocks.send((block, start)).is_err() || failed.load(Ordering::Relaxed) {
                break;
            }
            start = 0;
            block = freed
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(lines.block_size));
            match lines.next_block(&mut block) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => {
                    failed.store(true, Ordering::Relaxed);
                    break;
                }
            }
        }
        drop(blocks);
        let mut total: Option<Vec<u64>> = None;
        for worker in counting {
            let counts = worker.join().ok()??;
            match &mut total {
                None => total = Some(counts),
                Some(total) => total.iter_mut().zip(counts).for_each(|(t, c)| *t += c),
            }
        }
        total
    })
}

/// A worker: parses the blocks it takes and counts their points, or keeps them until
/// the index is there. Counts per commune with the points outside last, or `None` when
/// a block was not for the fast path (or the index never came).
fn count_blocks(
    queue: &Mutex<mpsc::Receiver<(Vec<u8>, usize)>>,
    free: &mpsc::Sender<Vec<u8>>,
    layout: PointsLayout,
    slot: &IndexSlot,
    failed: &AtomicBool,
) -> Option<Vec<u64>> {
    let mut index = None;
    let mut counts = Vec::new();
    let mut waiting: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut spare: Vec<(f64, f64)> = Vec::new();
    loop {
        let Ok((block, start)) = queue.lock().ok()?.recv() else {
            break;
        };
        // After a failure the blocks are only drained, so that the reader never waits.
        if failed.load(Ordering::Relaxed) {
            let _ = free.send(block);
            continue;
        }
        let mut points = std::mem::take(&mut spare);
        // About 20 bytes a line.
        points.reserve(block.len() / 16);
        let read = fast::each_point(&block[start..], layout, |lon, lat| points.push((lon, lat)));
        let _ = free.send(block);
        if !read {
            failed.store(true, Ordering::Relaxed);
            continue;
        }
        if index.is_none() {
            index = slot.peek();
        }
        match &index {
            Some(index) => {
                count(index, &points, &mut counts);
                points.clear();
                spare = points;
            }
            None => waiting.push(points),
        }
    }
    if failed.load(Ordering::Relaxed) {
        return None;
    }
    let index = match index {
        Some(index) => index,
        None => slot.wait()?,
    };
    count(&index, &[], &mut counts);
    for points in &waiting {
        count(&index, points, &mut counts);
    }
    Some(counts)
}

fn count(index: &CommuneIndex, points: &[(f64, f64)], counts: &mut Vec<u64>) {
    if counts.is_empty() {
        counts.resize(index.communes().len() + 1, 0);
    }
    index.count_into(points, counts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_communes;

    /// A reader that hands out at most `step` bytes per call, to cut reads anywhere.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn blocks_of(data: &[u8], block_size: usize, step: usize) -> Vec<Vec<u8>> {
        let mut lines = LineBlocks::new(Trickle { data, step }, block_size);
        let mut out = Vec::new();
        let mut block = Vec::new();
        while lines.next_block(&mut block).unwrap() {
            out.push(block.clone());
        }
        assert!(block.is_empty());
        out
    }

    #[test]
    fn blocks_hold_whole_lines_and_give_back_every_byte() {
        let texts: [&[u8]; 6] = [
            b"-1.5,43.5\n-1.25,43.75\n0.125,44.5\n",
            // No final newline: the last line is the end of the last block.
            b"-1.5,43.5\n-1.25,43.75\n0.125,44.5",
            // CRLF: a block ends after the `\n`, never between `\r` and `\n`.
            b"lon,lat\r\n-1.5,43.5\r\n-1.25,43.75\r\n0.125,44.5\r\n",
            // A line longer than a block.
            b"1,2\n-1.123456789012345678901234567890,43.5\n3,4\n",
            b"",
            b"\n\n\n",
        ];
        for text in texts {
            for block_size in [1, 3, 7, 8, 11, 64] {
                for step in [1, 2, 5, 1000] {
                    let blocks = blocks_of(text, block_size, step);
                    assert_eq!(blocks.concat(), text, "{block_size} {step}");
                    let none = Vec::new();
                    let (last, whole) = blocks.split_last().unwrap_or((&none, &[]));
                    for block in whole {
                        assert!(block.ends_with(b"\n"), "{block:?}");
                        // Cut at the last line end once the block size is reached.
                        let before_last_line = block[..block.len() - 1]
                            .iter()
                            .rposition(|&b| b == b'\n')
                            .map_or(0, |i| i + 1);
                        assert!(before_last_line < block_size, "{block:?} {block_size}");
                    }
                    assert!(!last.is_empty() || text.is_empty());
                    assert!(!last.ends_with(b"\r"), "{last:?}");
                }
            }
        }
        // A line cut by a read comes out whole, in the next block.
        let blocks = blocks_of(b"-1.5,43.5\n-1.25,43.75\n", 12, 12);
        assert_eq!(blocks, [&b"-1.5,43.5\n"[..], b"-1.25,43.75\n"]);
        // A line longer than what is left of a block: read on, the rest is the last block.
        let blocks = blocks_of(b"-1.5,43.5\n-1.25,43.75\n0,0\n", 10, 4);
        assert_eq!(blocks, [&b"-1.5,43.5\n"[..], b"-1.25,43.75\n0,0\n"]);
    }

    fn demo_index() -> Arc<CommuneIndex> {
        Arc::new(CommuneIndex::new(demo_communes()))
    }

    /// Counts of `text` read by blocks of `block_size` bytes.
    fn streamed(
        index: &Arc<CommuneIndex>,
        text: &str,
        block_size: usize,
    ) -> Option<(Vec<u64>, u64)> {
        let data = text.as_bytes().to_vec();
        let reader = io::Cursor::new(data);
        StreamedCounts::with_block_size(reader, block_size).finish(Arc::clone(index))
    }

    fn whole_file(index: &CommuneIndex, text: &str) -> (Vec<u64>, u64) {
        let mut out = Vec::new();
        super::super::assign_points(index, text.as_bytes(), true, &mut out).unwrap();
        let mut per_commune = Vec::new();
        let mut outside = 0;
        for line in String::from_utf8(out).unwrap().lines().skip(1) {
            let (code, count) = line.split_once(',').unwrap();
            if code == "none" {
                outside = count.parse().unwrap();
            } else {
                per_commune.push(count.parse().unwrap());
            }
        }
        (per_commune, outside)
    }

    /// Points of the demo territory's box written as `format` gives them.
    fn points_text(n: usize, header: &str, format: impl Fn(f64, f64) -> String) -> String {
        super::super::tests::points_text(n, 11, header, format)
    }

    #[test]
    fn streamed_counts_are_the_whole_file_counts() {
        let index = demo_index();
        let files = [
            points_text(5_000, "lon,lat\n", |x, y| format!("{x:.6},{y:.6}\n")),
            // CRLF, BOM, no final newline, swapped columns, blank lines.
            points_text(5_000, "\u{feff}id;lat;lon\r\n", |x, y| {
                format!("1;{y:.5};{x:.5}\r\n\r\n").replace('.', ",")
            })
            .trim_end()
            .to_owned(),
            points_text(5_000, "", |x, y| format!("{x},{y}\n")),
            // One point only, no newline.
            "-4.5,45.8".to_owned(),
        ];
        for text in &files {
            let expected = whole_file(&index, text);
            assert!(expected.0.iter().sum::<u64>() > 0 || text.len() < 20);
            for block_size in [1, 37, 4096, BLOCK_SIZE] {
                assert_eq!(
                    streamed(&index, text, block_size).as_ref(),
                    Some(&expected),
                    "{block_size}"
                );
            }
        }
    }

    #[test]
    fn streamed_counts_leave_other_files_to_the_whole_file_path() {
        let index = demo_index();
        for text in [
            "",
            "\n\n",
            "\"lon\",\"lat\"\n-4.5,45.8\n",
            "-4.5,45.8\n\"-4.4\",\"45.9\"\n",
            "-4.5,45.8\n-4.4,45.9\nnot,a point\n",
            "-4.5,45.8\r-4.4,45.9\n",
            "-4.5,45.8\n-4.4,95.9\n",
        ] {
            for block_size in [1, 12, 4096] {
                assert_eq!(streamed(&index, text, block_size), None, "{text:?}");
            }
        }
    }

    #[test]
    fn streamed_counts_dropped_without_an_index_stop() {
        let text = points_text(2_000, "lon,lat\n", |x, y| format!("{x},{y}\n"));
        let mut counting = StreamedCounts::with_block_size(io::Cursor::new(text.into_bytes()), 100);
        let reading = counting.reading.take().unwrap();
        drop(counting);
        assert_eq!(reading.join().unwrap(), None);
    }
}
