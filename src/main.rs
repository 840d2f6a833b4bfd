//! callrec: the binary is a thin shell over the library; see `callrec help`.

fn main() {
    let words: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(callrec::cli::run(&words));
}
