//! Set values (the data half of Redis's `t_set.c`): placeholder until the set work lands.

/// A set value.
#[derive(Clone, Default)]
pub struct Set {
    members: Vec<Vec<u8>>,
}

impl Set {
    pub fn new() -> Self {
        Set::default()
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

    /// Calls `f` on every member (in the encoding's order).
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        for m in &self.members {
            f(m);
        }
    }
}
