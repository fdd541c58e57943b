//! [`FixedResponseServer`]: the smallest loopback HTTP server, answering
//! every request with one fixed JSON body. Benchmarks use it so that their
//! figures measure the client, not a server's work.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A loopback HTTP/1.1 server on a thread and runtime of its own (so it does
/// not compete with the client's scheduler), answering every bodiless
/// request with `200` and the same JSON body, keeping connections alive. It
/// stops when dropped.
///
/// ```
/// let server = versori_emulator::FixedResponseServer::start(r#"{"ok":true}"#)?;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FixedResponseServer {
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl FixedResponseServer {
    /// Starts serving `body` on a free loopback port.
    pub fn start(body: impl Into<Vec<u8>>) -> io::Result<FixedResponseServer> {
        let body = body.into();
        let mut response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                let listener = match TcpListener::bind("127.0.0.1:0").await {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(listener.local_addr());
                tokio::select! {
                    _ = stopped => {}
                    _ = accept_loop(listener, response) => {}
                }
            });
        });
        let addr = ready_rx
            .recv()
            .map_err(|_| io::Error::other("the server thread ended before listening"))??;
        Ok(FixedResponseServer {
            base_url: format!("http://{addr}"),
            stop: Some(stop),
        })
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for FixedResponseServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept_loop(listener: TcpListener, response: Vec<u8>) {
    let response: std::sync::Arc<[u8]> = response.into();
    while let Ok((stream, _)) = listener.accept().await {
        let response = response.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut reader = BufReader::new(read);
            let mut line = String::new();
            loop {
                // requests here have no body: read up to the blank line
                loop {
                    line.clear();
                    match reader.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => {}
                    }
                }
                if write.write_all(&response).await.is_err() {
                    return;
                }
            }
        });
    }
}
