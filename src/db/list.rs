//! List values (the data half of Redis's `t_list.c`): placeholder until the list work lands.

/// A list value.
#[derive(Clone, Default)]
pub struct List {
    items: std::collections::VecDeque<Vec<u8>>,
}

impl List {
    pub fn new() -> Self {
        List::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Calls `f` on every element, head to tail.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        for i in &self.items {
            f(i);
        }
    }
}
