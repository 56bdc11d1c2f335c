//! INCRBYFLOAT/HINCRBYFLOAT arithmetic as Redis does it with C `long double`.
//!
//! First version computes in f64; to be replaced by exact x87 80-bit semantics.

use crate::error::CmdError;

/// Parses a value as Redis's `string2ld` (strtold over the whole string, no leading space, no
/// NaN).
pub fn parse(s: &[u8]) -> Option<f64> {
    crate::util::parse_f64(s)
}

/// `cur + incr`, formatted as Redis's `ld2string(..., LD_STR_HUMAN)`; errors as INCRBYFLOAT.
pub fn incr(cur: &[u8], incr: &[u8]) -> Result<Vec<u8>, CmdError> {
    let a = parse(cur).ok_or(CmdError::NotFloat)?;
    let b = parse(incr).ok_or(CmdError::NotFloat)?;
    let r = a + b;
    if r.is_nan() || r.is_infinite() {
        return Err(CmdError::msg("ERR increment would produce NaN or Infinity"));
    }
    Ok(format!("{r}").into_bytes())
}
