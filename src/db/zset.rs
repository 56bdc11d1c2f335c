//! Sorted-set values (the data half of Redis's `t_zset.c`): placeholder until the zset work lands.

/// A sorted-set value.
#[derive(Clone, Default)]
pub struct ZSet {
    members: Vec<(Vec<u8>, f64)>,
}

impl ZSet {
    pub fn new() -> Self {
        ZSet::default()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Calls `f` on every member and its score, in rank order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        for (m, s) in &self.members {
            f(m, *s);
        }
    }
}
