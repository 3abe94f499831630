//! Decoding of the API's response envelopes, shared by every generated method.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};

use super::client::{decode_json, RawResponse};
use super::error::{body_prefix, Error};
use super::pagination::Page;

/// `{"data": T}`.
#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

/// `{"data": [T], "meta": {...}}`: the two cursor shapes the API uses.
#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
    #[serde(default)]
    meta: Option<ListMeta>,
}

#[derive(Deserialize)]
struct ListMeta {
    #[serde(default)]
    paginate: Option<Paginate>,
    #[serde(default)]
    next_page: Option<String>,
}

#[derive(Deserialize)]
struct Paginate {
    #[serde(default)]
    next_page: Option<String>,
}

/// Decodes `{"data": T}` and returns `T`.
#[doc(hidden)]
pub fn decode_data<T: DeserializeOwned>(resp: &RawResponse) -> Result<T, Error> {
    decode_json::<Data<T>>(resp).map(|d| d.data)
}

/// Decodes `{"data": T}` where the body, or `data`, may be `null`.
#[doc(hidden)]
pub fn decode_data_or_null<T: DeserializeOwned>(resp: &RawResponse) -> Result<Option<T>, Error> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    decode_json::<Option<Data<Option<T>>>>(resp).map(|d| d.and_then(|d| d.data))
}

/// Decodes a list envelope into a [`Page`]; an empty cursor counts as none.
#[doc(hidden)]
pub fn decode_page<T: DeserializeOwned>(resp: &RawResponse) -> Result<Page<T>, Error> {
    let list = decode_json::<List<T>>(resp)?;
    let next_cursor = list
        .meta
        .and_then(|m| m.paginate.and_then(|p| p.next_page).or(m.next_page))
        .filter(|c| !c.is_empty());
    Ok(Page { items: list.data, next_cursor })
}

/// The `Location` of a redirect response.
#[doc(hidden)]
pub fn redirect_location(resp: &RawResponse) -> Result<String, Error> {
    resp.headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        // An HTTP client that follows redirects answers from the target itself.
        .or_else(|| resp.final_url.clone())
        .ok_or_else(|| Error::UnexpectedStatus {
            status: resp.status,
            body_prefix: format!("no Location header; body: {}", body_prefix(&resp.body)),
            request_id: None,
            request: Box::new(resp.request.clone()),
        })
}

/// Serialises as `{"<key>": value}`: the wrapper object of request bodies.
#[doc(hidden)]
pub struct Wrapped<'a, T: ?Sized> {
    pub key: &'static str,
    pub value: &'a T,
}

impl<T: Serialize + ?Sized> Serialize for Wrapped<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.key, self.value)?;
        map.end()
    }
}

/// Joins query values with commas (`explode: false` arrays).
#[doc(hidden)]
pub fn join<T: ToString>(values: &[T]) -> String {
    values.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn resp(body: &str) -> RawResponse {
        RawResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: bytes::Bytes::from(body.to_owned()),
            final_url: None,
            request: super::super::error::RequestInfo::default(),
        }
    }

    #[test]
    fn data_envelope() {
        assert_eq!(decode_data::<u32>(&resp(r#"{"data": 7}"#)).ok(), Some(7));
        assert_eq!(decode_data_or_null::<u32>(&resp("null")).ok(), Some(None));
        assert_eq!(decode_data_or_null::<u32>(&resp(r#"{"data": null}"#)).ok(), Some(None));
        assert_eq!(decode_data_or_null::<u32>(&resp("")).ok(), Some(None));
        assert_eq!(decode_data_or_null::<u32>(&resp(r#"{"data": 3}"#)).ok(), Some(Some(3)));
    }

    #[test]
    fn page_cursors() {
        let page = decode_page::<u32>(&resp(r#"{"data": [1, 2], "meta": {"paginate": {"next_page": "c2"}}}"#)).ok();
        assert_eq!(page.map(|p| (p.items, p.next_cursor)), Some((vec![1, 2], Some("c2".to_owned()))));
        let last = decode_page::<u32>(&resp(r#"{"data": [], "meta": {"paginate": {"next_page": ""}}}"#)).ok();
        assert_eq!(last.and_then(|p| p.next_cursor), None);
        let search = decode_page::<u32>(&resp(r#"{"data": [1], "meta": {"total": 1, "paginate": {"next_page": "s"}}}"#)).ok();
        assert_eq!(search.and_then(|p| p.next_cursor).as_deref(), Some("s"));
    }

    #[test]
    fn wrapper_and_query_text() {
        let body = serde_json::to_string(&Wrapped { key: "message", value: &5 }).ok();
        assert_eq!(body.as_deref(), Some(r#"{"message":5}"#));
        assert_eq!(join(&[1, 2, 3]), "1,2,3");
    }
}
