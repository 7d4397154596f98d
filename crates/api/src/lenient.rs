//! JSON read the way DIGIT's Jackson reads it by default, for the DIGIT routes' request fields: a string where
//! a boolean or a number is expected is converted (`"active": "true"`, `"pageSize": "10"`), an integer where
//! a boolean is expected is `false` for 0 and `true` otherwise, a number or boolean where text is expected
//! becomes its text (`"mobileNumber": 9876543210`), and an empty string (or `null`) is "not given". A value
//! that cannot be converted fails, and `http::digit_json` names the field. Use with
//! `#[serde(default, deserialize_with = "lenient::…")]`.

use serde::Deserializer;
use serde::de::{self, Visitor};
use std::fmt;

/// `null` (and an absent `Option`) is "not given"; `Some(x)` is read as `x`. The same in every visitor here.
macro_rules! absent_is_none {
    () => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    };
}

struct BoolV;

impl<'de> Visitor<'de> for BoolV {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean (true, false, \"true\", \"false\", 0 or 1)")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v != 0))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v != 0))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() || t == "null" {
            Ok(None)
        } else if t.eq_ignore_ascii_case("true") {
            Ok(Some(true))
        } else if t.eq_ignore_ascii_case("false") {
            Ok(Some(false))
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
    absent_is_none!();
}

struct IntV;

impl<'de> Visitor<'de> for IntV {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number (or one as a string)")
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v).map(Some).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    // Jackson accepts a float for an integer and drops the fraction.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.abs() < 9.0e18 {
            Ok(Some(v.trunc() as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() || t == "null" {
            return Ok(None);
        }
        t.parse().map(Some).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
    absent_is_none!();
}

struct TextV;

impl<'de> Visitor<'de> for TextV {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text (or a number or boolean, read as its text)")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    absent_is_none!();
}

pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolV)
}

pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IntV)
}

pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextV)
}

/// One element of a list, converted like a field of its type; `None` elements are left out.
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct Int(#[serde(deserialize_with = "int")] Option<i64>);

#[derive(serde::Deserialize)]
#[serde(transparent)]
struct Text(#[serde(deserialize_with = "text")] Option<String>);

/// A list of whole numbers (`"id": [1, "2"]`); a lone value is not a list (Jackson's default).
pub fn int_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    let list: Option<Vec<Int>> = serde::Deserialize::deserialize(d)?;
    Ok(list.map(|l| l.into_iter().filter_map(|i| i.0).collect()))
}

/// A list of texts (`"uuid": ["…"]`, `"roleCodes": ["GP_ADMIN"]`).
pub fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let list: Option<Vec<Text>> = serde::Deserialize::deserialize(d)?;
    Ok(list.map(|l| l.into_iter().filter_map(|t| t.0).collect()))
}
