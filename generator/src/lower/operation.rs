//! Lowering of paths and operations into services.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{Operation as OaOperation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Schema, StatusCode};

use super::names::{self, NameSet};
use super::schema::Usage;
use super::Lowerer;
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Auth, ErrorResponse, HttpMethod, MediaType, Operation, Pagination, Param, ParamLocation,
    PathPart, RequestBody, ResponseBody, Service, SuccessResponse, TypeKind, TypeRef, Wrapper,
};

const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

/// The method part of an operationId: after its last `_` (`ChatOperations_listChats`
/// → `listChats`), but a numeric last part is kept with the word before it
/// (`Default_get_2`, TypeSpec's name for a second `Default.get`, → `get_2`).
fn short_name(id: &str) -> &str {
    let mut parts = id.rmatch_indices('_').map(|(i, _)| i);
    let Some(last) = parts.next() else { return id };
    let tail = &id[last + 1..];
    if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
        return match parts.next() {
            Some(before) => &id[before + 1..],
            None => id,
        };
    }
    tail
}

/// The types derived from an operation (`<Stem>Params`, `<Stem>Path`) all
/// live in the crate's `params` module, so operations whose stems are equal
/// (`get` in two services, or twice in one) get stems of their own: the
/// method's unique name in its service (`Get`, `Get2`), prefixed with the
/// service's type when the stem is shared across services (`ChatsGet`,
/// `UsersGet`). Stems that no other operation has are kept as they are.
fn unique_type_stems(services: &mut [Service]) {
    let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, service) in services.iter().enumerate() {
        for op in &service.operations {
            owners.entry(op.type_stem.clone()).or_default().push(i);
        }
    }
    let shared = |stem: &str| owners.get(stem).is_some_and(|o| o.len() > 1);
    let mut taken = NameSet::default();
    for op in services.iter().flat_map(|s| &s.operations) {
        if !shared(&op.type_stem) {
            taken.insert(&op.type_stem);
        }
    }
    for (i, service) in services.iter_mut().enumerate() {
        let prefix = &service.type_name;
        for op in &mut service.operations {
            let Some(o) = owners.get(&op.type_stem).filter(|o| o.len() > 1) else { continue };
            let own = names::type_name(op.method_name.trim_start_matches("r#"));
            let across = o.iter().any(|&s| s != i);
            op.type_stem = taken.unique(&if across { format!("{prefix}{own}") } else { own });
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Lowers every operation, grouped into services by first tag, in the
    /// order the spec declares its tags (undeclared tags follow, in order of use).
    pub(crate) fn lower_operations(&mut self) -> Result<Vec<Service>, SpecError> {
        let mut services: IndexMap<String, Vec<Operation>> = self
            .doc
            .tags
            .iter()
            .map(|t| (t.name.clone(), Vec::new()))
            .collect();
        let mut ids: HashMap<String, Pointer> = HashMap::new();
        for (path, item) in &self.doc.paths.paths {
            let item_at = Pointer::root().push("paths").push(path);
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { reference } => {
                    let message = format!("path item `$ref` `{reference}` is unsupported; expected an inline path item");
                    self.lenient(&item_at, &message, "its operations are skipped")?;
                    continue;
                }
            };
            for (method, op) in methods(item) {
                let at = item_at.push(method.as_str().to_ascii_lowercase());
                // Without an operationId, one is derived from the method and path.
                let id = op.operation_id.clone().unwrap_or_else(|| derived_operation_id(method, path));
                if let Some(first) = ids.get(&id) {
                    let what = if op.operation_id.is_some() { "duplicate operationId" } else { "the derived operationId" };
                    return Err(self.err(
                        &at.push("operationId"),
                        format!("{what} `{id}`, first used at {first}; expected every operationId to be unique"),
                    ));
                }
                ids.insert(id.clone(), at.clone());
                if let Some(callbacks) = op.callbacks.keys().next() {
                    self.warn(
                        &at.push("callbacks").push(callbacks),
                        "callbacks are not generated: the SDK has no server side; handle the requests they describe in your own server",
                    );
                }
                match self.operation(path, method, item, op, id.clone(), &at) {
                    Ok(lowered) => services.entry(lowered.tag.clone()).or_default().push(lowered),
                    Err(e) => self.demote(e, &format!("the operation `{id}` is skipped"))?,
                }
            }
        }
        // By tag name; `rev` so that the first declaration of a name wins.
        let descriptions: HashMap<&str, Option<&str>> = self
            .doc
            .tags
            .iter()
            .rev()
            .map(|t| (t.name.as_str(), t.description.as_deref()))
            .collect();
        let mut module_names = NameSet::default();
        // Service types share `use crate::models::*` scope with the models:
        // a tag named like a model gets a `Service` suffix.
        let mut service_types = NameSet::default();
        let mut services: Vec<Service> = services
            .into_iter()
            .filter(|(_, ops)| !ops.is_empty())
            .map(|(tag, mut operations)| {
                let mut method_names = NameSet::default();
                for op in &mut operations {
                    op.method_name = method_names.unique(&op.method_name);
                }
                let description = descriptions.get(tag.as_str()).copied().flatten().map(str::to_owned);
                Service {
                    // Words of the tag lowercased as written (`OAuth` → `oauth`, not `o_auth`).
                    module: module_names.unique(&names::snake_ident(
                        &tag.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join("_"),
                    )),
                    type_name: {
                        let name = names::type_name(&tag);
                        let name = if self.types.contains_key(&name) { format!("{name}Service") } else { name };
                        service_types.unique(&name)
                    },
                    tag,
                    description,
                    operations,
                }
            })
            .collect();
        unique_type_stems(&mut services);
        Ok(services)
    }

    fn operation(
        &mut self,
        path: &str,
        http_method: HttpMethod,
        item: &'a PathItem,
        op: &'a OaOperation,
        id: String,
        at: &Pointer,
    ) -> Result<Operation, SpecError> {
        let short = short_name(&id);
        let method_name = names::snake_ident(short);
        let type_stem = names::type_name(short);
        let (summary, description) = split_description(op.summary.as_deref(), op.description.as_deref());
        let path_parts = parse_path(path).map_err(|m| self.err(at, m))?;
        let params = self.params(item, op, &type_stem, &path_parts, at)?;
        let body = match &op.request_body {
            Some(b) => Some(self.request_body(b, &type_stem, &at.push("requestBody"))?),
            None => None,
        };
        let (response, errors) = self.responses(op, &type_stem, &at.push("responses"))?;
        let auth = self.auth(op, at)?;
        // The operation's `security` overrides the document's.
        let requirements = op.security.as_ref().or(self.doc.security.as_ref());
        if auth.required && requirements.is_some_and(|list| list.iter().any(|r| !r.is_empty())) {
            self.token_required = true;
        }
        let paginated = op.extensions.get("x-paginated").and_then(|v| v.as_bool()) == Some(true);
        let pagination = if paginated && self.options.envelope {
            Some(self.pagination(&params, &response, at)?)
        } else {
            if paginated {
                self.warn(
                    &at.push("x-paginated"),
                    "`x-paginated` is a Pachca convention (with its `{data, meta}` envelope); ignored outside the Pachca profile",
                );
            }
            None
        };
        Ok(Operation {
            method_name,
            type_stem,
            tag: op.tags.first().cloned().unwrap_or_else(|| "Default".to_owned()),
            http_method,
            path: path.to_owned(),
            path_parts,
            summary,
            description,
            params,
            body,
            response,
            errors,
            pagination,
            auth,
            external_url: op.extensions.get("x-external-url").and_then(|v| v.as_str()).map(str::to_owned),
            deprecated: op.deprecated,
            id,
        })
    }

    /// Follows a chain of local refs in `components/<section>` to an item.
    fn resolve<T>(
        &self,
        item: &'a ReferenceOr<T>,
        section: &str,
        map: Option<&'a IndexMap<String, ReferenceOr<T>>>,
        at: &Pointer,
    ) -> Result<&'a T, SpecError> {
        let prefix = format!("#/components/{section}/");
        let mut current = item;
        let mut seen: Vec<&str> = Vec::new();
        loop {
            match current {
                ReferenceOr::Item(t) => return Ok(t),
                ReferenceOr::Reference { reference } => {
                    let name = self.local_ref(reference, &prefix, at)?;
                    if seen.contains(&name) {
                        return Err(self.err(at, format!("`$ref` cycle: {} → {name}", seen.join(" → "))));
                    }
                    seen.push(name);
                    current = map.and_then(|m| m.get(name)).ok_or_else(|| {
                        self.err(at, format!("dangling `$ref`: `{reference}` does not exist; expected an entry under #/components/{section}"))
                    })?;
                }
            }
        }
    }

    fn params(
        &mut self,
        item: &'a PathItem,
        op: &'a OaOperation,
        stem: &str,
        path_parts: &[PathPart],
        at: &Pointer,
    ) -> Result<Vec<Param>, SpecError> {
        let components = self.doc.components.as_ref().map(|c| &c.parameters);
        // Path-level parameters first; an operation parameter with the same name and location replaces one.
        let mut resolved: Vec<(&'a Parameter, Pointer)> = Vec::new();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, at.parent_path_item().push("parameters").push(i)))
            .chain(op.parameters.iter().enumerate().map(|(i, p)| (p, at.push("parameters").push(i))));
        for (p, p_at) in sources {
            let param = self.resolve(p, "parameters", components, &p_at)?;
            let key = |q: &Parameter| (q.parameter_data_ref().name.clone(), std::mem::discriminant(q));
            match resolved.iter_mut().find(|(q, _)| key(q) == key(param)) {
                Some(slot) => *slot = (param, p_at),
                None => resolved.push((param, p_at)),
            }
        }
        for part in path_parts {
            if let PathPart::Param(name) = part {
                let declared = resolved
                    .iter()
                    .any(|(p, _)| matches!(p, Parameter::Path { .. }) && &p.parameter_data_ref().name == name);
                if !declared {
                    return Err(self.err(
                        &at.push("parameters"),
                        format!("path parameter `{name}` appears in the path but is not declared; expected a parameter with `name: {name}` and `in: path`"),
                    ));
                }
            }
        }
        let mut taken = NameSet::default();
        let mut params = Vec::with_capacity(resolved.len());
        for (p, p_at) in resolved {
            let (location, default_explode) = match p {
                Parameter::Path { .. } => (ParamLocation::Path, false),
                Parameter::Query { .. } => (ParamLocation::Query, true),
                Parameter::Header { .. } => (ParamLocation::Header, false),
                Parameter::Cookie { .. } => {
                    let message = "cookie parameters are unsupported; expected `in: path`, `query` or `header`";
                    self.lenient(&p_at.push("in"), message, "the parameter is dropped")?;
                    continue;
                }
            };
            let data = p.parameter_data_ref();
            if location == ParamLocation::Path {
                let in_path = path_parts.iter().any(|part| matches!(part, PathPart::Param(n) if n == &data.name));
                if !in_path {
                    return Err(self.err(
                        &p_at.push("name"),
                        format!("path parameter `{}` is declared but does not appear in the path; expected `{{{}}}` in the path template", data.name, data.name),
                    ));
                }
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    return Err(self.err(&p_at.push("content"), "parameters with `content` are unsupported; expected a `schema`"))
                }
            };
            let usage = Usage::of(schema);
            let hint = format!("{stem}{}", names::type_name(&data.name));
            let ty = self.type_ref(as_ref(schema), &p_at.push("schema"), &hint)?;
            params.push(Param {
                name: data.name.clone(),
                rust_name: taken.unique(&names::snake_ident(&data.name)),
                location,
                required: data.required || location == ParamLocation::Path,
                ty,
                description: data.description.clone(),
                default: usage.default,
                example: data.example.clone().or_else(|| usage.example.clone()),
                schema_example: usage.example,
                explode: data.explode.unwrap_or(default_explode),
                brackets: false,
                constraints: usage.constraints,
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        Ok(params)
    }

    fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        stem: &str,
        at: &Pointer,
    ) -> Result<RequestBody, SpecError> {
        let components = self.doc.components.as_ref().map(|c| &c.request_bodies);
        let body = self.resolve(body, "requestBodies", components, at)?;
        let content_at = at.push("content");
        let (media, media_type, key) = if let Some(m) = body.content.get(JSON) {
            (MediaType::Json, m, JSON)
        } else if let Some(m) = body.content.get(MULTIPART) {
            (MediaType::Multipart, m, MULTIPART)
        } else {
            let found = body.content.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            return Err(self.err(
                &content_at,
                format!("unsupported media type {}; expected `{JSON}` or `{MULTIPART}`", if found.is_empty() { "(none)".to_owned() } else { found }),
            ));
        };
        let schema_at = content_at.push(key).push("schema");
        let schema = media_type
            .schema
            .as_ref()
            .ok_or_else(|| self.err(&schema_at, "missing schema; expected the body's schema"))?;
        let ty = self.type_ref(as_ref(schema), &schema_at, &format!("{stem}Request"))?;
        if media == MediaType::Multipart {
            let is_struct = ty.as_named().and_then(|n| self.types.get(n)).is_some_and(|d| matches!(d.kind, TypeKind::Struct { .. }));
            if !is_struct {
                return Err(self.err(&schema_at, "a multipart body must be an object; expected `type: object` with `properties` (one per form part)"));
            }
        }
        let wrapper = self.wrapper(&ty);
        Ok(RequestBody {
            media,
            required: body.required,
            ty,
            description: body.description.clone(),
            wrapper,
            example: media_type.example.clone(),
        })
    }

    /// `{"message": {...}}`: an object whose only property is a required object.
    fn wrapper(&self, ty: &TypeRef) -> Option<Wrapper> {
        let def = self.types.get(ty.as_named()?)?;
        let TypeKind::Struct { fields } = &def.kind else { return None };
        match fields.as_slice() {
            [only] if only.required && !only.nullable => {
                let inner = self.types.get(only.ty.as_named()?)?;
                matches!(inner.kind, TypeKind::Struct { .. }).then(|| Wrapper {
                    field: only.name.clone(),
                    inner: only.ty.clone(),
                })
            }
            _ => None,
        }
    }

    fn responses(
        &mut self,
        op: &'a OaOperation,
        stem: &str,
        at: &Pointer,
    ) -> Result<(SuccessResponse, Vec<ErrorResponse>), SpecError> {
        let components = self.doc.components.as_ref().map(|c| &c.responses);
        let mut success: Option<SuccessResponse> = None;
        let mut errors = Vec::new();
        for (code, response) in &op.responses.responses {
            let status = match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => r * 100,
            };
            let r_at = at.push(code);
            let response = self.resolve(response, "responses", components, &r_at)?;
            let content = if response.content.is_empty() {
                None
            } else {
                let media = response.content.get(JSON).ok_or_else(|| {
                    let found = response.content.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                    self.err(&r_at.push("content"), format!("unsupported media type {found}; expected `{JSON}`"))
                })?;
                media.schema.as_ref().map(|s| (s, r_at.push("content").push(JSON).push("schema"), media.example.clone()))
            };
            if (200..400).contains(&status) {
                if let Some(first) = &success {
                    let message = format!(
                        "only the first success response ({}) is modelled; a `{status}` response is decoded as that one's body",
                        first.status
                    );
                    self.warn(&r_at, message);
                    continue;
                }
                let (body, example) = match content {
                    _ if (300..400).contains(&status) => (ResponseBody::Redirect { header: "Location".to_owned() }, None),
                    None => (ResponseBody::Empty, None),
                    Some((schema, s_at, example)) => (self.success_body(schema, stem, &s_at)?, example),
                };
                success = Some(SuccessResponse {
                    status,
                    description: Some(response.description.clone()).filter(|d| !d.is_empty()),
                    body,
                    example,
                });
            } else {
                let types = match content {
                    Some((schema, s_at, _)) => self.error_types(schema, stem, status, &s_at)?,
                    None => Vec::new(),
                };
                errors.push(ErrorResponse {
                    status,
                    description: Some(response.description.clone()).filter(|d| !d.is_empty()),
                    types,
                });
            }
        }
        if op.responses.default.is_some() {
            self.warn(
                &at.push("default"),
                "the `default` response is not modelled: a status the operation does not list is returned as `Error::Api` with its JSON body (`Error::body_as` decodes it)",
            );
        }
        let success = success.ok_or_else(|| self.err(at, "no success response; expected a 2xx or 3xx response"))?;
        Ok((success, errors))
    }

    /// The body types of an error response; `anyOf`/`oneOf` alternatives
    /// (nested ones too) are listed one by one, without duplicates, rather
    /// than named as a union per operation.
    fn error_types(&mut self, schema: &'a ReferenceOr<Schema>, stem: &str, status: u16, at: &Pointer) -> Result<Vec<TypeRef>, SpecError> {
        let alternatives = match schema {
            ReferenceOr::Item(s) => match &s.schema_kind {
                openapiv3::SchemaKind::AnyOf { any_of: m } | openapiv3::SchemaKind::OneOf { one_of: m } => Some(m),
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
        };
        let Some(members) = alternatives else {
            return Ok(vec![self.type_ref(as_ref(schema), at, &format!("{stem}Error{status}"))?]);
        };
        let mut types: Vec<TypeRef> = Vec::new();
        for (i, m) in members.iter().enumerate() {
            for ty in self.error_types(m, stem, status, &at.push("anyOf").push(i))? {
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
        }
        Ok(types)
    }

    /// Unwraps `{"data": T}` and `{"data": [T], "meta": M}` envelopes.
    fn success_body(&mut self, schema: &'a ReferenceOr<Schema>, stem: &str, at: &Pointer) -> Result<ResponseBody, SpecError> {
        if let ReferenceOr::Item(s) = schema {
            if let openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) = &s.schema_kind {
                let is_envelope = self.options.envelope
                    && o.properties.contains_key("data")
                    && o.required.iter().any(|r| r == "data")
                    && o.properties.keys().all(|k| k == "data" || k == "meta");
                if is_envelope {
                    let props_at = at.push("properties");
                    let data = &o.properties["data"];
                    let data_usage = match data {
                        ReferenceOr::Item(d) => Usage::from_schema(d),
                        ReferenceOr::Reference { .. } => Usage::default(),
                    };
                    let data_plain = boxed(data);
                    if let ReferenceOr::Item(d) = data {
                        if let openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) = &d.schema_kind {
                            let item = match &a.items {
                                Some(i) => self.type_ref(boxed(i), &props_at.push("data").push("items"), &format!("{stem}Item"))?,
                                None => TypeRef::Any,
                            };
                            let meta = match o.properties.get("meta") {
                                Some(m) => Some(self.type_ref(boxed(m), &props_at.push("meta"), &format!("{stem}Meta"))?),
                                None => None,
                            };
                            return Ok(ResponseBody::List { item, meta });
                        }
                    }
                    let ty = self.type_ref(data_plain, &props_at.push("data"), &format!("{stem}Data"))?;
                    // `null` instead of the envelope (no status set) or `data: null`.
                    let nullable = data_usage.nullable || s.schema_data.nullable;
                    return Ok(ResponseBody::Data { ty, nullable });
                }
            }
        }
        let nullable = Usage::of(schema).nullable;
        let ty = self.type_ref(as_ref(schema), at, &format!("{stem}Response"))?;
        Ok(ResponseBody::Json { ty, nullable })
    }

    fn pagination(&self, params: &[Param], response: &SuccessResponse, at: &Pointer) -> Result<Pagination, SpecError> {
        let ResponseBody::List { item, meta: Some(meta) } = &response.body else {
            return Err(self.err(
                &at.push("x-paginated"),
                "`x-paginated` operation does not return a list; expected a response `{data: [...], meta: {...}}`",
            ));
        };
        let query = |name: &str| params.iter().find(|p| p.location == ParamLocation::Query && p.name == name);
        let cursor = query("cursor").ok_or_else(|| {
            self.err(&at.push("parameters"), "`x-paginated` operation has no `cursor` query parameter; expected one")
        })?;
        let limit = query("limit");
        let next_cursor = self.next_cursor_path(meta).ok_or_else(|| {
            self.err(
                &at.push("x-paginated"),
                "cannot find the next cursor in the list's `meta`; expected `meta.paginate.next_page` or `meta.next_page`",
            )
        })?;
        Ok(Pagination {
            cursor_param: cursor.name.clone(),
            limit_param: limit.map(|l| l.name.clone()),
            limit_max: limit.and_then(|l| l.constraints.maximum).map(|m| m as i64),
            item: item.clone(),
            meta: meta.clone(),
            next_cursor,
        })
    }

    fn next_cursor_path(&self, meta: &TypeRef) -> Option<Vec<String>> {
        let fields_of = |ty: &TypeRef| match &self.types.get(ty.as_named()?)?.kind {
            TypeKind::Struct { fields } => Some(fields.clone()),
            _ => None,
        };
        let fields = fields_of(meta)?;
        if fields.iter().any(|f| f.name == "next_page") {
            return Some(vec!["next_page".to_owned()]);
        }
        let paginate = fields.iter().find(|f| f.name == "paginate")?;
        fields_of(&paginate.ty)?
            .iter()
            .any(|f| f.name == "next_page")
            .then(|| vec!["paginate".to_owned(), "next_page".to_owned()])
    }

    fn auth(&self, op: &OaOperation, at: &Pointer) -> Result<Auth, SpecError> {
        // An explicitly empty `security` turns the token off. A spec that
        // declares no security at all still gets the token sent when one is
        // configured (many such specs simply leave it out); whether a token
        // is needed at all is `Api::token_required`.
        let security_off = op.security.as_ref().is_some_and(|s| s.is_empty());
        let mut auth = Auth { required: !security_off, scope: None, plan: None };
        if let Some(req) = op.extensions.get("x-requirements") {
            let req_at = at.push("x-requirements");
            let obj = req
                .as_object()
                .ok_or_else(|| self.err(&req_at, "expected a map with `scope`, `plan` and/or `auth`"))?;
            if let Some(a) = obj.get("auth") {
                auth.required = a.as_bool().ok_or_else(|| self.err(&req_at.push("auth"), "expected `true` or `false`"))?;
            }
            auth.scope = obj.get("scope").and_then(|v| v.as_str()).map(str::to_owned);
            auth.plan = obj.get("plan").and_then(|v| v.as_str()).map(str::to_owned);
        }
        Ok(auth)
    }
}

fn methods(item: &PathItem) -> impl Iterator<Item = (HttpMethod, &OaOperation)> {
    [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Patch, &item.patch),
        (HttpMethod::Delete, &item.delete),
        (HttpMethod::Head, &item.head),
        (HttpMethod::Options, &item.options),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

fn as_ref(s: &ReferenceOr<Schema>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
        ReferenceOr::Item(i) => ReferenceOr::Item(i),
    }
}

fn boxed(s: &ReferenceOr<Box<Schema>>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
        ReferenceOr::Item(i) => ReferenceOr::Item(i),
    }
}

/// The upstream writes the summary as the first paragraph of `description`.
fn split_description(summary: Option<&str>, description: Option<&str>) -> (Option<String>, Option<String>) {
    let description = description.map(str::trim).filter(|d| !d.is_empty());
    match (summary, description) {
        (Some(s), d) => (Some(s.to_owned()), d.map(str::to_owned)),
        (None, None) => (None, None),
        (None, Some(d)) => match d.split_once("\n\n") {
            Some((first, rest)) if !first.contains('\n') => (Some(first.trim().to_owned()), Some(rest.trim().to_owned())),
            _ if !d.contains('\n') => (Some(d.to_owned()), None),
            _ => (None, Some(d.to_owned())),
        },
    }
}

/// `GET /users/{user_id}/keys` → `getUsersByUserIdKeys`: the operationId of
/// an operation that has none (no `_`, so the whole id names the method).
fn derived_operation_id(method: HttpMethod, path: &str) -> String {
    use heck::ToUpperCamelCase;
    let mut id = method.as_str().to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let word = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => format!("by {param}"),
            None => segment.to_owned(),
        };
        id.push_str(&word.to_upper_camel_case());
    }
    if id.len() == method.as_str().len() {
        id.push_str("Root");
    }
    id
}

fn parse_path(path: &str) -> Result<Vec<PathPart>, String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let close = rest[open..]
            .find('}')
            .map(|c| c + open)
            .ok_or_else(|| format!("unclosed `{{` in path `{path}`; expected `{{name}}`"))?;
        parts.push(PathPart::Param(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_part_of_an_operation_id() {
        assert_eq!(short_name("ChatOperations_listChats"), "listChats");
        assert_eq!(short_name("listChats"), "listChats");
        assert_eq!(short_name("Default_get_2"), "get_2");
        assert_eq!(short_name("get_2"), "get_2");
        assert_eq!(short_name("a_b_"), "");
    }

    #[test]
    fn summary_is_first_paragraph() {
        let (s, d) = split_description(None, Some("List chats\n\nReturns chats.\n\nMore."));
        assert_eq!(s.as_deref(), Some("List chats"));
        assert_eq!(d.as_deref(), Some("Returns chats.\n\nMore."));
    }

    #[test]
    fn path_parts() {
        assert_eq!(
            parse_path("/chats/{id}/members/{user_id}").unwrap(),
            vec![
                PathPart::Literal("/chats/".into()),
                PathPart::Param("id".into()),
                PathPart::Literal("/members/".into()),
                PathPart::Param("user_id".into()),
            ]
        );
        assert!(parse_path("/chats/{id").is_err());
    }
}
