//! The little JSON enrol-core needs, without a JSON library in the browser's wasm: writing strings, and
//! reading the one shape a cell may hold (`externalIds`: an array of objects with string values).

/// Appends `s` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

pub type Object = Vec<(String, String)>;

/// Parses `[ {"k":"v", …}, … ]`; anything else is an error saying what was expected.
pub fn parse_array_of_string_objects(s: &str) -> Result<Vec<Object>, String> {
    let mut p = Parser { b: s.as_bytes(), i: 0 };
    let out = p.array()?;
    p.ws();
    if p.i != p.b.len() {
        return Err("text after the closing ]".into());
    }
    Ok(out)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), String> {
        if self.eat(c) { Ok(()) } else { Err(format!("expected {what}")) }
    }

    fn array(&mut self) -> Result<Vec<Object>, String> {
        self.expect(b'[', "a list starting with [")?;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(items);
        }
        loop {
            items.push(self.object()?);
            if self.eat(b']') {
                return Ok(items);
            }
            self.expect(b',', ", or ] after an item")?;
        }
    }

    fn object(&mut self) -> Result<Object, String> {
        self.expect(b'{', "{ to start an item")?;
        let mut fields = Vec::new();
        if self.eat(b'}') {
            return Ok(fields);
        }
        loop {
            let k = self.string()?;
            self.expect(b':', ": after a name")?;
            let v = self.string()?;
            fields.push((k, v));
            if self.eat(b'}') {
                return Ok(fields);
            }
            self.expect(b',', ", or } in an item")?;
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"', "a text in straight double quotes \"…\"")?;
        let mut out = Vec::new();
        loop {
            match self.b.get(self.i) {
                None => return Err("a text is not closed with \"".into()),
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| "invalid text".into());
                }
                Some(b'\\') => {
                    let esc = self.b.get(self.i + 1).copied();
                    let c = match esc {
                        Some(b'"') => b'"',
                        Some(b'\\') => b'\\',
                        Some(b'/') => b'/',
                        Some(b'n') => b'\n',
                        Some(b't') => b'\t',
                        _ => return Err("unsupported escape in a text".into()),
                    };
                    out.push(c);
                    self.i += 2;
                }
                Some(&c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}
