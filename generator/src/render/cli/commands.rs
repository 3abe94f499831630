//! `src/commands.rs` of the CLI: `COMMANDS`, the runtime's
//! `run::Commands`: the command table that the runtime turns into clap
//! commands, and `call`, which runs an operation through the typed SDK
//! method.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::cli_model::{CliModel, Command, Flag, FlagKind, FlagSource, ParamSource, ScalarType};
use crate::ir::{Api, MediaType, Operation, ParamLocation, ResponseBody, TypeKind, TypeRef};
use crate::render::rust::client::{params_struct, positional, positional_args};
use crate::render::rust::literal::{self, Lit};
use crate::render::rust::{format_file, ident, rust_type, TypeIndex, GENERATED_HEADER};
use crate::render::RenderError;

/// The module of the command table.
pub const MODULE: &str = "commands";

/// Path of the command table inside `generated/`.
pub const COMMANDS_FILE: &str = "src/commands.rs";
/// The changelog `pachca changelog` prints, embedded by `commands.rs`.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

fn ty(t: ScalarType) -> Lit {
    Lit::raw(match t {
        ScalarType::String => "Ty::String",
        ScalarType::Integer => "Ty::Integer",
        ScalarType::Number => "Ty::Number",
        ScalarType::Date => "Ty::Date",
        ScalarType::DateTime => "Ty::DateTime",
        ScalarType::Time => "Ty::Time",
        ScalarType::Uri => "Ty::Uri",
    })
}

fn call(name: &str, args: Vec<Lit>) -> Lit {
    Lit::Call(name.to_owned(), args)
}

/// The first sentence of a description, on one line: help text.
pub fn short_help(text: Option<&str>) -> String {
    let text = text.unwrap_or_default().split("\n\n").next().unwrap_or_default().replace('\n', " ");
    match text.find(". ") {
        Some(i) if i > 20 => text[..=i].to_owned(),
        _ => text.trim().to_owned(),
    }
}

fn flag_spec(f: &Flag) -> Lit {
    let kind = match &f.kind {
        FlagKind::Scalar { ty: t } => call("Kind::Scalar", vec![ty(*t)]),
        FlagKind::Enum { values } => call("Kind::Enum", vec![Lit::str_slice(values)]),
        FlagKind::Bool => Lit::raw("Kind::Bool"),
        FlagKind::Json => Lit::raw("Kind::Json"),
        FlagKind::List { item, values } => {
            call("Kind::List", vec![ty(*item), Lit::str_slice(values.as_deref().unwrap_or_default())])
        }
        FlagKind::File => Lit::raw("Kind::File"),
    };
    let target = match &f.source {
        FlagSource::Query { name } => call("Target::Query", vec![Lit::str(name)]),
        FlagSource::Body { path } => call("Target::Body", vec![Lit::str_slice(path)]),
        FlagSource::Multipart { name } => call("Target::Multipart", vec![Lit::str(name)]),
        FlagSource::ExternalUrl => Lit::raw("Target::Url"),
        FlagSource::AllPages => Lit::raw("Target::All"),
        FlagSource::Force => Lit::raw("Target::Force"),
        FlagSource::Save => Lit::raw("Target::Save"),
    };
    let mut help = match &f.source {
        FlagSource::AllPages => "fetch every page (follows the cursor)".to_owned(),
        // A DELETE's confirmation, or (with a description) `--save`'s overwrite.
        FlagSource::Force => f.description.clone().unwrap_or_else(|| "delete without asking".to_owned()),
        FlagSource::Save => "download the file to this path instead of printing its URL".to_owned(),
        FlagSource::ExternalUrl => "absolute upload URL (`direct_url` from `pachca files uploads`)".to_owned(),
        _ => short_help(f.description.as_deref()),
    };
    if matches!(f.kind, FlagKind::Json) {
        help.push_str(" (JSON)");
    }
    if matches!(f.kind, FlagKind::List { .. }) {
        help.push_str(" (comma-separated)");
    }
    if matches!(f.kind, FlagKind::File) {
        help.push_str(" (path, or - for stdin)");
    }
    if let Some(max) = f.max_length {
        help.push_str(&format!(" (max {max} characters)"));
    }
    let max_length = match f.max_length {
        Some(m) => call("Some", vec![Lit::raw(m.to_string())]),
        None => Lit::raw("None"),
    };
    Lit::Struct(
        "FlagSpec",
        vec![
            ("name", Lit::str(&f.name)),
            ("kind", kind),
            ("required", Lit::raw(f.required.to_string())),
            ("target", target),
            ("help", Lit::Str(help)),
            ("max_length", max_length),
        ],
    )
}

fn command_spec(op: &Operation, cmd: &Command) -> Lit {
    let positionals = cmd.positionals.iter().map(|p| {
        let query = match &p.source {
            ParamSource::Path(_) => Lit::raw("None"),
            ParamSource::Query(q) => Lit::opt_str(Some(q)),
        };
        Lit::Struct(
            "PositionalSpec",
            vec![
                ("name", Lit::str(&p.name)),
                ("ty", ty(p.ty)),
                ("required", Lit::raw(p.required.to_string())),
                ("query", query),
                ("help", Lit::Str(short_help(p.description.as_deref()))),
            ],
        )
    });
    Lit::Struct(
        "CommandSpec",
        vec![
            ("operation_id", Lit::str(&cmd.operation_id)),
            ("group", Lit::str(&cmd.group)),
            ("action", Lit::str(&cmd.action)),
            ("aliases", Lit::str_slice(&cmd.hidden_aliases)),
            ("about", Lit::Str(short_help(cmd.summary.as_deref()))),
            ("method", Lit::str(cmd.method.as_str())),
            ("path", Lit::str(&cmd.path)),
            ("scope", Lit::opt_str(cmd.scope.as_deref())),
            ("plan", Lit::opt_str(cmd.plan.as_deref())),
            ("auth", Lit::raw(cmd.auth.to_string())),
            ("paginated", Lit::raw(cmd.paginated.to_string())),
            ("status", Lit::raw(op.response.status.to_string())),
            ("positionals", Lit::Slice(positionals.collect())),
            ("flags", Lit::Slice(cmd.flags.iter().map(flag_spec).collect())),
        ],
    )
}

/// The typed call of one operation.
fn call_arm(index: &TypeIndex, op: &Operation, service: &str) -> Result<TokenStream, RenderError> {
    let id = &op.id;
    let service = ident(service);
    let method = ident(&op.method_name);
    let mut setup = Vec::new();
    // Arguments of the page method and, for paginated operations, of the
    // stream method (which takes strings owned); only one of them runs.
    let mut args = Vec::new();
    if op.external_url.is_some() {
        setup.push(quote!(let url = input.url()?;));
        args.push(quote!(&url));
    }
    let mut values = Vec::new();
    for (i, p) in positional(op).into_iter().enumerate() {
        let var = format_ident!("arg{}", i);
        let name = &p.name;
        let t = rust_type(index.resolve(&p.ty));
        let getter = if p.location == ParamLocation::Path { quote!(input.path) } else { quote!(input.query_arg) };
        setup.push(quote!(let #var: #t = #getter(#name)?;));
        values.push(match index.resolve(&p.ty) {
            TypeRef::String | TypeRef::Uri => quote!(&#var),
            _ => quote!(#var),
        });
    }
    args.extend(positional_args(op, values));
    // A page of a paginated operation: these, then its params.
    let page_args = args.clone();
    let params = params_struct(op).map(|name| format_ident!("{}", name));
    if let Some(params) = &params {
        setup.push(quote!(let params: #params = input.params()?;));
        args.push(quote!(params));
    }
    if let Some(body) = &op.body {
        match (body.media, &body.wrapper) {
            (MediaType::Json, Some(w)) => {
                let t = rust_type(&w.inner);
                let key = &w.field;
                setup.push(quote!(let body: #t = input.body_at(#key)?;));
                args.push(quote!(&body));
            }
            (MediaType::Json, None) => {
                let t = rust_type(&body.ty);
                setup.push(quote!(let body: #t = input.body()?;));
                args.push(quote!(&body));
            }
            (MediaType::Multipart, _) => {
                let t = rust_type(&body.ty);
                setup.push(quote!(let mut body: #t = input.multipart()?;));
                let def = body.ty.as_named().and_then(|n| index.types.get(n));
                if let Some(TypeKind::Struct { fields }) = def.map(|d| &d.kind) {
                    for f in fields.iter().filter(|f| f.ty == TypeRef::Binary) {
                        let field = ident(&f.rust_name);
                        setup.push(quote!(let (file_name, file) = input.file().await?; body.#field = file;));
                    }
                }
                args.push(quote!(&body));
                args.push(quote!(&file_name));
            }
        }
    }
    let call = quote!(client.#service().with_options(input.options()).#method(#(#args),*).await?);
    let outcome = match &op.response.body {
        ResponseBody::Empty => quote!({ #call; Ok(Outcome::Done) }),
        ResponseBody::Redirect { .. } => quote!(Ok(Outcome::Redirect(#call))),
        ResponseBody::List { .. } if op.pagination.is_some() => {
            quote! {
                if input.all() {
                    let service = client.#service().with_options(input.options());
                    let first = params.cursor.clone();
                    let fetch = |cursor| {
                        let mut params = params.clone();
                        params.cursor = cursor;
                        service.#method(#(#page_args,)* params)
                    };
                    Ok(Outcome::Items(collect_pages(first, fetch, input.progress()).await?))
                } else {
                    page(#call)
                }
            }
        }
        ResponseBody::List { .. } => quote!(items(#call)),
        _ => quote!(value(&#call)),
    };
    Ok(quote! {
        #id => {
            #(#setup)*
            #outcome
        }
    })
}

/// Renders `src/commands.rs`; with `skills`, `COMMANDS` carries the bundle
/// of the agent skills (`src/skills.bundle`), else none.
pub fn render(api: &Api, index: &TypeIndex<'_>, cli: &CliModel, guide: &[Lit], skills: bool) -> Result<String, RenderError> {
    let mut specs = Vec::new();
    let mut arms = Vec::new();
    for service in &api.services {
        for op in &service.operations {
            let cmd = cli.by_operation(&op.id).ok_or_else(|| RenderError {
                artifact: COMMANDS_FILE.to_owned(),
                message: format!("no CLI command for {}", op.id),
            })?;
            specs.push(command_spec(op, cmd));
            arms.push(call_arm(index, op, &service.module)?);
        }
    }
    let count = specs.len();
    let bundle = if skills { quote!(include_str!("skills.bundle")) } else { quote!("") };
    let tokens = quote! {
        //! Every API operation as a command: the table the CLI builds its clap
        //! commands from, and the typed SDK call behind each command.
        #![allow(clippy::too_many_lines)]

        use pachca::models::*;
        use pachca::params::*;
        use pachca::Client;
        // Date parameters are `chrono` types; the CLI uses the SDK's.
        #[allow(unused_imports)]
        use pachca::chrono;

        use crate::run::{CallFuture, Commands};
        use crate::errors::CliError;
        use crate::input::Input;
        use crate::run::{collect_pages, items, page, value, Outcome};
        #[allow(unused_imports)]
        use crate::spec::{CommandSpec, FlagSpec, GuideScenario, GuideStep, Kind, PositionalSpec, Target, Ty};

        /// The generated commands and their calls, for `entry::main`.
        pub static COMMANDS: Commands = Commands { table: &TABLE, call, guide: &GUIDE, skills: #bundle, changelog: include_str!("../CHANGELOG.md") };

        /// Runs the operation behind a command.
        fn call<'a>(client: &'a Client, spec: &'static CommandSpec, input: &'a mut Input<'_>) -> CallFuture<'a> {
            Box::pin(call_operation(client, spec, input))
        }

        async fn call_operation(client: &Client, spec: &CommandSpec, input: &mut Input<'_>) -> Result<Outcome, CliError> {
            match spec.operation_id {
                #(#arms)*
                other => Err(CliError::internal(format!("no call for operation {other}"))),
            }
        }
    };
    // The table is data, written as text in its final layout.
    let table = literal::table(&format!("/// The generated commands, in spec order.\nstatic TABLE: [CommandSpec; {count}] = "), &specs);
    let guide = literal::table(
        &format!("/// The agent skills' scenarios, for `pachca guide`.\nstatic GUIDE: [GuideScenario; {}] = ", guide.len()),
        guide,
    );
    Ok(format!("{}\n{table}\n{guide}", format_file(COMMANDS_FILE, GENERATED_HEADER, tokens)?))
}
