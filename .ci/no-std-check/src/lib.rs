//! A `#![no_std]` static library that runs one stk-core alignment step, built by CI to prove
//! that stk-core needs nothing from std.
#![no_std]

use core::panic::PanicInfo;

use stk_core::{Adam, AdamConfig, AdamState, StepWorkspace, Warp, WarpFamily};
use talc::source::Claim;
use talc::{DefaultBinning, TalcLock, min_first_heap_size};

/// Heap size: enough for a 28 × 28 TPS warp (basis 784 × 36) and its buffers.
const HEAP_BYTES: usize = min_first_heap_size::<DefaultBinning>() + (1 << 20);

#[global_allocator]
static ALLOCATOR: TalcLock<spinning_top::RawSpinlock, Claim> = TalcLock::new(unsafe {
    static mut HEAP: [u8; HEAP_BYTES] = [0; HEAP_BYTES];
    Claim::array(&raw mut HEAP)
});

#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// Runs one forward, backward and Adam step of a TPS warp on a 28 × 28 blob pair and returns
/// the loss before the step (NaN if set-up failed).
#[unsafe(no_mangle)]
pub extern "C" fn stk_no_std_check_step() -> f32 {
    const SIDE: usize = 28;
    let mut datum = [0.0f32; SIDE * SIDE];
    let mut target = [0.0f32; SIDE * SIDE];
    for (p, (d, t)) in datum.iter_mut().zip(target.iter_mut()).enumerate() {
        let (x, y) = (p % SIDE, p / SIDE);
        *d = if (10..18).contains(&x) && (9..19).contains(&y) {
            1.0
        } else {
            0.0
        };
        *t = if (11..19).contains(&x) && (9..19).contains(&y) {
            1.0
        } else {
            0.0
        };
    }
    let Ok(warp) = Warp::new(WarpFamily::Tps { grid_size: 6 }, SIDE, SIDE) else {
        return f32::NAN;
    };
    let Ok(adam) = Adam::new(AdamConfig::default()) else {
        return f32::NAN;
    };
    let Ok(mut workspace) = StepWorkspace::new(&warp, 1) else {
        return f32::NAN;
    };
    let mut params = [0.0f32; 72];
    let mut states = [AdamState::new(warp.n_params())];
    match workspace.step(
        &warp,
        &adam,
        &[&datum],
        &[&target],
        &mut params,
        &mut states,
    ) {
        Ok(losses) => losses[0] as f32,
        Err(_) => f32::NAN,
    }
}
