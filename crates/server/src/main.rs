use std::process::ExitCode;

fn main() -> ExitCode {
    solidarites_server::telemetry::init();
    solidarites_server::cli::run()
}
