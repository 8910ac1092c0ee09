// opencv.js for browser workers, where the bundler hands over the module object itself.
import cv from '@techstark/opencv-js';
import { whenReady, type OpenCvLoader } from './stabilize';

export const browserOpenCv: OpenCvLoader = () => whenReady(cv);
